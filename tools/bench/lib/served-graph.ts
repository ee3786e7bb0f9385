/**
 * `bento serve` of an app folder as a child process whose stdout goes to a temp file (a pipe read
 * by the benchmark would cost its process CPU), and that file's JSON lines once it has stopped:
 * services write their own lines in 4 KiB batches, all of them out by the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BENTO_BIN = path.join(__dirname, '../../../packages/core/dist/cli/bin.js');

export type LogLine = Record<string, unknown> & { service?: string; msg?: string };

export interface ServedGraph {
  url: string;
  child: ChildProcess;
  /** SIGTERM, waits for the exit, returns every JSON line it logged and removes the temp file. */
  stop(): Promise<LogLine[]>;
}

function jsonLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // A line cut off by the exit.
    }
  }
  return lines;
}

export async function serveGraph(appDir: string, env: NodeJS.ProcessEnv, readyTimeoutMs = 120_000): Promise<ServedGraph> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bento-bench-'));
  const logFile = path.join(dir, 'stdout.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [BENTO_BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    const lines = jsonLines(readFileSync(logFile, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return lines;
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = jsonLines(readFileSync(logFile, 'utf8')).find((line) => line.msg === 'service graph ready');
    if (ready) return { url: String(ready.url), child, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lines = await stop();
  throw new Error(`bento serve in ${appDir} was not ready (exit ${child.exitCode}); last lines:\n${lines.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`);
}
