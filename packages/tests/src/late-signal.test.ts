import type { Server } from 'node:http';
import { LateReader } from './fixtures/late-reader';
import { postJson, serveForTest } from './helpers/server';

/** Resolves once the server has no open connection left: it has seen the client's socket close. */
async function connectionsClosed(server: Server): Promise<void> {
  for (;;) {
    const open = await new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    if (open === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // The response's 'close' follows the socket's on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
}

describe('ctx.signal read late', () => {
  it('is aborted when the client left before the method first looked at it', async () => {
    const running = await serveForTest(LateReader);
    try {
      const instance = running.server.instance as unknown as LateReader;
      const client = new AbortController();
      const call = fetch(`${running.url}/work`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: client.signal }).catch((error: Error) => error);
      await instance.entered;
      client.abort();
      expect(await call).toMatchObject({ name: 'AbortError' });
      await connectionsClosed(running.server.http);
      instance.open();
      await new Promise((resolve) => setImmediate(resolve));
      expect(instance.seen).toBe(true);

      // A client that stays: not aborted.
      instance.reset();
      const staying = postJson(`${running.url}/work`, {});
      await instance.entered;
      instance.open();
      expect((await staying).json).toEqual({ seen: false });
    } finally {
      await running.close();
    }
  });
});
