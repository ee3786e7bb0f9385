import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { toBentoError } from '../errors';
import {
  decodeFrames,
  encodeFrames,
  FRAMES_CONTENT_TYPE,
  readFramesBody,
  writeFrames,
} from './index';

const LIMIT = 8 * 1024 * 1024;

/** A real node:http server that echoes a frames body back, answering errors with their status. */
function startEchoServer(): Promise<{
  server: Server;
  url: URL;
  errors: Error[];
  viewsOfBody: boolean[];
}> {
  const errors: Error[] = [];
  const viewsOfBody: boolean[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readFramesBody(req, LIMIT);
        const value = decodeFrames(body) as { data?: ArrayBufferView };
        if (value && ArrayBuffer.isView(value.data))
          viewsOfBody.push(value.data.buffer === body.buffer);
        const encoded = encodeFrames({ echo: value });
        res.writeHead(200, {
          'content-type': FRAMES_CONTENT_TYPE,
          'content-length': encoded.byteLength,
        });
        writeFrames(res, encoded);
        res.end();
      } catch (thrown) {
        errors.push(thrown as Error);
        const error = toBentoError(thrown);
        if (res.destroyed) return;
        res.writeHead(error.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(error.toBody()));
      }
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: new URL(`http://127.0.0.1:${port}/`), errors, viewsOfBody });
    }),
  );
}

/** POSTs chunks (with a Content-Length unless `chunked`) and reads the answer as one buffer. */
function post(
  url: URL,
  chunks: Uint8Array[],
  options: { agent?: Agent; chunked?: boolean } = {},
): Promise<{ status: number; type: string; body: Buffer; res: IncomingMessage }> {
  const byteLength = chunks.reduce((n, c) => n + c.byteLength, 0);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: options.agent,
        headers: {
          'content-type': FRAMES_CONTENT_TYPE,
          ...(options.chunked ? {} : { 'content-length': byteLength }),
        },
      },
      (res) => {
        readFramesBody(res, 64 * 1024 * 1024).then(
          (body) =>
            resolve({
              status: res.statusCode!,
              type: String(res.headers['content-type']),
              body,
              res,
            }),
          reject,
        );
      },
    );
    req.on('error', reject);
    writeFrames(req, { chunks, byteLength });
    req.end();
  });
}

describe('wire over HTTP', () => {
  let ctx: Awaited<ReturnType<typeof startEchoServer>>;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  beforeAll(async () => {
    ctx = await startEchoServer();
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
  });

  it('round-trips a call with 3 MiB of tensors and an image through a real server', async () => {
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const value = {
      data,
      tensor: { dtype: 'float16', shape: [2, 2], data: new Uint16Array([1, 2, 3, 4]) },
      image: { data: new Uint8Array(12).fill(7), width: 2, height: 2, channels: 3 },
      params: { steps: 25, big: 2n ** 65n, skip: undefined },
    };
    const encoded = encodeFrames(value);
    const { status, type, body } = await post(ctx.url, encoded.chunks, { agent });
    expect(status).toBe(200);
    expect(type).toBe(FRAMES_CONTENT_TYPE);
    expect(body.byteOffset).toBe(0);
    const out = decodeFrames(body) as { echo: typeof value };
    // Compared as bytes: Jest's deep equality walks a 3 MiB array element by element, slowly.
    expect(Buffer.compare(out.echo.data, data)).toBe(0);
    expect({ ...out.echo, data: null }).toEqual({ ...value, data: null });
    expect(out.echo.tensor.data).toBeInstanceOf(Uint16Array);
    expect(out.echo.data.buffer).toBe(body.buffer);
    expect(ctx.viewsOfBody.at(-1)).toBe(true);
  });

  it('reads a chunked body without a Content-Length', async () => {
    const value = { data: new Float64Array([1, 2, 3]), text: 'chunked' };
    const { status, body } = await post(ctx.url, encodeFrames(value).chunks, { chunked: true });
    expect(status).toBe(200);
    expect(decodeFrames(body)).toEqual({ echo: value });
  });

  it('answers 413 over the limit, declared or chunked', async () => {
    const huge = encodeFrames({ data: new Uint8Array(LIMIT + 1) });
    const declared = await post(ctx.url, huge.chunks);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body.toString()).error.code).toBe('payload_too_large');
    const chunked = await post(ctx.url, huge.chunks, { chunked: true });
    expect(chunked.status).toBe(413);
  });

  it('answers 400 to 500 bad bodies and keeps serving', async () => {
    const good = encodeFrames({ data: new Int32Array([1, -2, 3]) });
    const whole = Buffer.concat(good.chunks);
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const bad = Buffer.from(whole.subarray(0, next() % whole.length)); // truncated…
      if (i % 2) bad[next() % Math.max(1, Math.min(bad.length, 24))] ^= 0xff; // …and sometimes corrupted
      const { status, body } = await post(ctx.url, [bad], { agent });
      expect(status).toBe(400);
      const error = JSON.parse(body.toString()).error;
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(/^Malformed application\/vnd\.bento\.frames body: /);
    }
    const { status, body } = await post(ctx.url, good.chunks, { agent });
    expect(status).toBe(200);
    expect(decodeFrames(body)).toEqual({ echo: { data: new Int32Array([1, -2, 3]) } });
  });

  it('refuses a body cut short by the client, and keeps serving', async () => {
    const before = ctx.errors.length;
    await new Promise<void>((resolve) => {
      const socket = connect(Number(ctx.url.port), '127.0.0.1', () => {
        socket.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a few bytes');
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(ctx.errors.slice(before).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /closed before its body was complete|ended after|could not be read \(aborted\)/,
      ),
    ]);
    const { status } = await post(ctx.url, encodeFrames({ ok: true }).chunks);
    expect(status).toBe(200);
  });
});
