/**
 * `bento serve` as a user runs it (production mode: every service of the graph in its own
 * process), on an ephemeral port, with its JSON log lines kept for the test to read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The workspace's root folder. */
export const ROOT = path.join(__dirname, '..', '..', '..', '..');
/** The built CLI: `npm test` builds it first; in a local run, `npx nx run core:build`. */
const BENTO_BIN = path.join(ROOT, 'packages', 'core', 'dist', 'cli', 'bin.js');

export interface LogLine {
  service?: string;
  msg?: string;
  url?: string;
  [field: string]: unknown;
}

export interface Served {
  child: ChildProcess;
  /** The JSON lines every service of the graph logged so far. */
  logs(): LogLine[];
  /** Resolves with the URL a service logged when it listened (`unix://…` for a dependency). */
  listening(service: string, timeoutMs?: number): Promise<string>;
  /** SIGTERM (the graph drains), then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `bento serve <args> --port 0 --host 127.0.0.1` in `cwd`. */
export function bentoServe(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Served {
  const child = spawn(process.execPath, [BENTO_BIN, 'serve', ...args, '--port', '0', '--host', '127.0.0.1'], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const logs = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          return {}; // The last line may still be arriving.
        }
      });

  async function listening(service: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = logs().find((l) => l.service === service && l.msg === `${service} listening` && l.url);
      if (line) return line.url!;
      if (child.exitCode !== null || child.signalCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${service} did not log "listening" (exit ${child.exitCode ?? child.signalCode})\nstdout: ${stdout.slice(-4000)}\nstderr: ${stderr.slice(-4000)}`);
  }

  async function stop(graceMs = 40_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  return { child, logs, listening, stop };
}
