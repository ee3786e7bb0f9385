import { request, type IncomingHttpHeaders } from 'node:http';
import type { Cli } from './cli';

export interface LogEntry {
  msg?: string;
  url?: string;
  pids?: number[];
  code?: number;
}

/** The JSON log lines written so far. */
export function entries(cli: Cli): LogEntry[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

/** Waits until `count` JSON log lines whose message ends with `suffix` were written; returns them. */
export async function logged(
  cli: Cli,
  suffix: string,
  count: number,
  timeoutMs = 30_000,
): Promise<LogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = entries(cli).filter((entry) => entry.msg?.endsWith(suffix));
    if (found.length >= count) return found;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `no ${count} "…${suffix}" lines; stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`,
  );
}

/** Waits for the pool's `<Service>: 2 workers ready` line (the `times`-th one); returns its URL and pids. */
export async function poolReady(cli: Cli, times = 1): Promise<{ url: string; pids: number[] }> {
  const entry = (await logged(cli, ': 2 workers ready', times))[times - 1]!;
  return { url: entry.url!, pids: entry.pids! };
}

/**
 * One request on a connection of its own: with keep-alive every request would go to the worker
 * that accepted the first connection, and the test needs requests answered by both.
 */
export function once(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
