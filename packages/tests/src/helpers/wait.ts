import { createServer } from 'node:net';

/** A port of 127.0.0.1 that was free a moment ago: nothing answers there (until a test serves on it). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A URL of 127.0.0.1 on a port that was free a moment ago (see `unusedPort`). */
export async function unusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await unusedPort()}`;
}

/**
 * Polls `check` (a failed check counts as false) every 250 ms until it is true, `gaveUp` says to
 * stop (the process under test exited), or `timeoutMs` is over; resolves with whether it held.
 */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, gaveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Resolves once `condition()` holds, checking every 10 ms; rejects naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
