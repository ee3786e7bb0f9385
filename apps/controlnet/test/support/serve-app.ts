/**
 * `bento serve` of this app as a real child process, on an ephemeral port, serving a demo model
 * generated into a temp folder (so a test needs no `nx run sdxl:demo-model` and leaves nothing).
 * Processes are started and stopped by their own pids, with packages/tests' CLI helpers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRunning, killStragglers, listeningUrl, runBento, type Cli } from '../../../../packages/tests/src/helpers/cli';
import { generateDemoModel } from '../../../../tools/demo-model/generate';

export { killStragglers };

/** The app's folder: bento serve reads `service:` from its bentofile.yaml. */
const APP_DIR = path.join(__dirname, '..', '..');

/** A demo model in a fresh temp folder; remove it with `removeDemoModel`. */
export function tempDemoModel(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'controlnet-demo-'));
  generateDemoModel(dir);
  return dir;
}

export function removeDemoModel(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface ServedApp {
  cli: Cli;
  url: string;
  /** Every process serving the app: one per service in production, one in development. */
  pids: Record<string, number>;
  /** SDXLControlNetService's Unix socket (production only). */
  sdxlSocket?: string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | string>;
}

/** The supervisor's `service graph ready` line (production mode). */
async function graphReady(cli: Cli, timeoutMs: number): Promise<{ url: string; pids: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = cli.stdout().split('\n').find((l) => l.includes('"service graph ready"'));
    if (line) return JSON.parse(line) as { url: string; pids: Record<string, number> };
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "service graph ready" line (exit ${cli.child.exitCode})\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`);
}

/**
 * Serves the app on 127.0.0.1, port 0, with `modelDir` as SDXL_MODEL_DIR: every service in its own
 * process (the default), or the whole graph in this one process with `development`.
 */
export async function serveApp(modelDir: string, mode: 'production' | 'development', timeoutMs = 90_000): Promise<ServedApp> {
  const args = ['serve', '--port', '0', '--host', '127.0.0.1', ...(mode === 'development' ? ['--development'] : [])];
  const cli = runBento(args, { cwd: APP_DIR, env: { SDXL_MODEL_DIR: modelDir } });
  let url: string;
  let pids: Record<string, number>;
  if (mode === 'production') {
    ({ url, pids } = await graphReady(cli, timeoutMs));
  } else {
    url = await listeningUrl(cli, timeoutMs);
    pids = { ControlNet: cli.child.pid! };
  }
  const socket = /"service_map":\{"SDXLControlNetService":"unix:\/\/([^"]+)"/.exec(cli.stdout())?.[1];
  return {
    cli,
    url,
    pids,
    sdxlSocket: mode === 'production' ? socket : undefined,
    stop: async () => {
      if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
      return cli.exited;
    },
  };
}

/** The command lines of a process's direct children (Linux), e.g. to see that none serves a service. */
export function childCommands(pid: number): string[] {
  const pids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return pids.map((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return ''; // exited meanwhile
    }
  });
}

export { isRunning };

/**
 * For one describe block: before its tests, serves the app on a fresh demo model; after them,
 * stops it and removes the model. Returns a getter for the running app.
 */
export function serveAppForSuite(mode: 'production' | 'development' = 'production'): () => ServedApp {
  let modelDir: string | undefined;
  let app: ServedApp | undefined;
  beforeAll(async () => {
    modelDir = tempDemoModel();
    app = await serveApp(modelDir, mode);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    killStragglers();
    removeDemoModel(modelDir);
  });
  return () => {
    if (!app) throw new Error('the app is served only once the tests of its describe block run');
    return app;
  };
}
