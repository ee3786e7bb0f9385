/**
 * A client that reads one byte a second (issue 14, 6d): it must not keep an answer's buffers, its
 * connection, or a stream's generator and concurrency slot for ever. The server cuts a connection
 * whose client takes nothing for BENTO_SEND_TIMEOUT seconds while bytes wait to be sent.
 */
import { connect } from 'node:net';
import { BIG_ANSWER_BYTES, BigAnswers, streamState } from './fixtures/big-answers';
import { serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

interface SlowReader {
  /** Stops reading slowly and takes what is left: resolves with every byte received once the connection closed. */
  drain(): Promise<number>;
  stop(): void;
}

/**
 * POSTs `{}` to `path` over a raw socket, then takes one byte a second of the answer. A paused
 * socket notices neither the end nor a reset until it reads what came before: `drain()` does.
 */
function slowReader(url: string, path: string): SlowReader {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = 0;
  const body = '{}';
  socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  // Paused: Node stops reading from the kernel once its own buffer is full; we take a byte a second.
  socket.pause();
  const timer = setInterval(() => {
    if (socket.read(1) !== null) received++;
  }, 1000);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // a reset, once read: the cut itself
  return {
    drain: async () => {
      clearInterval(timer);
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.resume();
      await closed;
      return received;
    },
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** The server's warning for a cut connection, on `endpoint`. */
function cutLogged(server: Running, endpoint: string): boolean {
  return server.logs().some((l) => l.endpoint === endpoint && l.level === 40 && String(l.msg).includes('took nothing of the answer'));
}

describe('a client that reads one byte a second', () => {
  let server: Running;
  const previous = process.env.BENTO_SEND_TIMEOUT;
  beforeAll(async () => {
    process.env.BENTO_SEND_TIMEOUT = '1';
    server = await serveForTest(BigAnswers);
  });
  afterAll(async () => {
    await server.close();
    if (previous === undefined) delete process.env.BENTO_SEND_TIMEOUT;
    else process.env.BENTO_SEND_TIMEOUT = previous;
  });

  it('has its connection cut once it takes nothing of a large answer for the send timeout', async () => {
    const reader = slowReader(server.url, '/big');
    try {
      await until(() => cutLogged(server, '/big'), 'the cut of /big logged', 40_000);
      // What reached the client before the cut is far from the whole answer, and the connection is gone.
      expect(await reader.drain()).toBeLessThan(BIG_ANSWER_BYTES);
      // The server goes on serving.
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    } finally {
      reader.stop();
    }
  }, 60_000);

  it('closes a stream it stalls: the generator ends and its slot is free again', async () => {
    const closedBefore = streamState.closed;
    const reader = slowReader(server.url, '/endless');
    try {
      await until(() => cutLogged(server, '/endless'), 'the cut of /endless logged', 40_000);
      await until(() => streamState.closed === closedBefore + 1, 'the generator closed', 10_000);
      await reader.drain();
      // max_concurrency is 1: a slot still held would answer 429.
      const next = await fetch(`${server.url}/big`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(next.status).toBe(200);
      expect((await next.arrayBuffer()).byteLength).toBe(BIG_ANSWER_BYTES);
    } finally {
      reader.stop();
    }
  }, 60_000);

  it('does not cut a stream that waits between values, nor a client that keeps reading', async () => {
    // 2.5 s between two values, with a 1 s send timeout: nothing waits to be sent meanwhile.
    const stream = await fetch(`${server.url}/pauses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pauseMs":2500}' });
    const text = await stream.text();
    expect(text).toContain('"first"');
    expect(text).toContain('"second"');
    expect(text).toContain('event: result');
    // A fast reader of the same 64 MiB: the cut applies only to a client that takes nothing.
    const response = await fetch(`${server.url}/big`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await response.arrayBuffer()).byteLength).toBe(BIG_ANSWER_BYTES);
  }, 60_000);
});
