import { get } from 'node:http';

/** GETs `path` from an `http://host:port` or `unix:///path.sock` address; resolves with the status code. */
export function httpGetStatus(address: string, path: string, timeoutMs = 1000): Promise<number> {
  const target = address.startsWith('unix://')
    ? { socketPath: address.slice('unix://'.length) }
    : { host: new URL(address).hostname, port: Number(new URL(address).port || 80) };
  return new Promise((resolve, reject) => {
    const req = get({ ...target, path, timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Polls `/readyz` until it answers 200; rejects after `timeoutMs` with the last reason. */
export async function waitUntilReady(address: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && isAlive()) {
    try {
      const status = await httpGetStatus(address, '/readyz');
      if (status === 200) return;
      last = `status ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(isAlive() ? `not ready within ${timeoutMs / 1000}s (${last})` : 'exited before it was ready');
}
