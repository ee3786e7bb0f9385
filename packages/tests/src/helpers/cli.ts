import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The built CLI: `npm test` builds it first (pretest); in a local run, `npx nx run core:build`. */
export const BENTO_BIN = path.join(__dirname, '../../../core/dist/cli/bin.js');

export interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

const running = new Set<ChildProcess>();
const groups = new WeakSet<ChildProcess>();

/** Sends `signal` to the process, or to its whole group when it was started through a wrapper (npx). */
export function signal(cli: Cli, name: NodeJS.Signals): void {
  const pid = cli.child.pid!;
  process.kill(groups.has(cli.child) ? -pid : pid, name);
}

/** Starts `bento <args>` as a real child process, collecting its output. */
export function runBento(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; command?: string } = { cwd: process.cwd() }): Cli {
  const command = options.command ?? process.execPath;
  const child = spawn(command, options.command ? args : [BENTO_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A wrapper command (npx) gets a process group of its own, stopped as a whole like Ctrl-C in a terminal.
    detached: options.command !== undefined,
  });
  if (options.command !== undefined) groups.add(child);
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Kills, by pid, every CLI process a test started and did not stop. */
export function killStragglers(): void {
  for (const child of running) {
    if (child.pid === undefined) continue;
    try {
      process.kill(groups.has(child) ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Waits for the server's `<Name> listening` JSON log line and returns its URL. */
export async function listeningUrl(cli: Cli, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of cli.stdout().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg?.endsWith(' listening') && entry.url) return entry.url;
    }
    if (cli.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`bento serve did not log "listening" (exit ${cli.child.exitCode})\nstdout: ${cli.stdout()}\nstderr: ${cli.stderr()}`);
}

/** Whether a process with this pid still exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment for running npm/npx in another folder: without the npm_* variables of the npm
 * run that started Jest (they point at the workspace).
 */
export function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}
