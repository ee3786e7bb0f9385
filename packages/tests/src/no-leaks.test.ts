// "No stack traces or internal addresses in any response": bad requests of every kind, sent to
// every kind of route of real servers (public API, internal route, probes, docs, web page, unknown
// paths), and a dependency that cannot be reached at a Unix socket. No answer may carry a stack
// frame, a file path, a socket path or the server's own address.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, createLogger, depends, Image, serve, service, type RunningService } from '@bento/core';
import { z } from 'zod';

const dir = mkdtempSync(path.join(tmpdir(), 'bento-no-leaks-'));
const web = path.join(dir, 'web');
mkdirSync(web);
writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>page</title>');
writeFileSync(path.join(dir, 'secret.txt'), 'outside');
const unreachableSocket = path.join(dir, 'gone', 'Downstream.sock');
const token = randomBytes(16).toString('hex');

@service({ name: 'Downstream' })
class Downstream {
  @api({ input: z.object({ n: z.number() }) })
  async twice({ n }: { n: number }) {
    return { n: 2 * n };
  }
}

@service({ name: 'Leaky', ui: web })
class Leaky {
  downstream = depends(Downstream);

  @api({ input: z.object({ text: z.string().max(5), image: Image().optional() }) })
  async echo({ text }: { text: string }) {
    return { text };
  }

  /** Fails with what a careless library throws: a message naming a file, and a stack. */
  @api()
  async explode(): Promise<never> {
    throw new Error(`ENOENT: no such file or directory, open '${path.join(dir, 'weights.onnx')}'`);
  }

  /** Fails mid-stream, after its first value. */
  @api()
  async *drip() {
    yield { step: 1 };
    throw new Error(`lost ${path.join(dir, 'cache')}`);
  }

  @api({ input: z.object({ n: z.number() }) })
  async relay({ n }: { n: number }) {
    return this.downstream.twice({ n });
  }
}

/** Sends a request exactly as written (fetch would normalise the path), and reads the whole answer. */
function raw(url: string, method: string, rawPath: string, headers: Record<string, string> = {}, body?: string | Buffer) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path: rawPath, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FRAMES_TYPE = { 'content-type': 'application/vnd.bento.frames' };

/** [what, method, path, headers, body] of each bad request. */
const BAD_REQUESTS: Array<[string, string, string, Record<string, string>, (string | Buffer)?]> = [
  ['malformed JSON', 'POST', '/echo', JSON_TYPE, '{"text": '],
  ['JSON of the wrong shape', 'POST', '/echo', JSON_TYPE, '{"text": 12345678}'],
  ['a JSON body over the limit', 'POST', '/echo', JSON_TYPE, JSON.stringify({ text: 'x'.repeat(4096) })],
  ['a JSON nested too deep', 'POST', '/echo', JSON_TYPE, '['.repeat(500) + ']'.repeat(500)],
  ['a broken base64 image', 'POST', '/echo', JSON_TYPE, JSON.stringify({ text: 'a', image: 'data:image/png;base64,AAAA' })],
  ['an unsupported content type', 'POST', '/echo', { 'content-type': 'text/xml' }, '<a/>'],
  ['a broken multipart body', 'POST', '/echo', { 'content-type': 'multipart/form-data; boundary=zz' }, '--zz\r\nContent-Disposition: form-data; name="text"\r\n\r\nab'],
  ['multipart without a boundary', 'POST', '/echo', { 'content-type': 'multipart/form-data' }, 'x'],
  ['a GET on an API', 'GET', '/echo', {}, undefined],
  ['a method that throws', 'POST', '/explode', JSON_TYPE, '{}'],
  ['a stream that fails mid-way', 'POST', '/drip', { ...JSON_TYPE, accept: 'text/event-stream' }, '{}'],
  ['a dependency that cannot be reached', 'POST', '/relay', JSON_TYPE, '{"n": 1}'],
  ['an internal call without the token', 'POST', '/_bento/call/echo', FRAMES_TYPE, 'x'],
  ['an internal call with the token and garbage frames', 'POST', '/_bento/call/echo', { ...FRAMES_TYPE, 'x-bento-internal-token': token }, Buffer.from('BNTO garbage frames')],
  ['an internal call to no API', 'POST', '/_bento/call/nothing', { ...FRAMES_TYPE, 'x-bento-internal-token': token }, 'x'],
  ['a readiness probe with a dependency down', 'GET', '/readyz', {}, undefined],
  ['a probe with a body and a POST', 'POST', '/livez', JSON_TYPE, '{'],
  ['a malformed percent-encoding on an API path', 'POST', '/ech%E0%A4%A', JSON_TYPE, '{}'],
  ['a malformed percent-encoding on the page', 'GET', '/%E0%A4%A', {}, undefined],
  ['a malformed percent-encoding under /docs', 'GET', '/docs/assets/%', {}, undefined],
  ['a docs asset that does not exist', 'GET', '/docs/assets/../../package.json', {}, undefined],
  ['a way out of the page folder', 'GET', '/..%2fsecret.txt', {}, undefined],
  ['a way out of the page folder, encoded twice', 'GET', '/%252e%252e/secret.txt', {}, undefined],
  ['an unknown path', 'GET', '/does/not/exist?x=%zz', {}, undefined],
  ['an unknown method', 'PROPFIND', '/echo', {}, undefined],
  ['a long request id', 'POST', '/echo', { ...JSON_TYPE, 'x-request-id': 'r'.repeat(500) }, '{}'],
];

describe('no answer carries a stack trace or an internal address', () => {
  let running: RunningService;

  beforeAll(async () => {
    running = await serve(Leaky, {
      port: 0,
      host: '127.0.0.1',
      maxJsonBodySize: 1024,
      internalToken: token,
      internalCalls: true,
      serviceMap: { Downstream: `unix://${unreachableSocket}` },
      logger: createLogger('Leaky', { level: 'silent' }),
      drainSeconds: 1,
    });
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(BAD_REQUESTS)('for %s', async (_what, method, rawPath, headers, body) => {
    const answer = await raw(running.url, method, rawPath, body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body);
    // Each is an answer of its own kind (the server did not fall over)...
    expect(answer.status).toBeGreaterThanOrEqual(200);
    // ...and none says more than its message.
    const { port } = new URL(running.url);
    const text = `${answer.body}\n${JSON.stringify(answer.headers)}`;
    expect(text).not.toMatch(/\n\s*at \S/); // a stack frame
    expect(text).not.toMatch(/\(?[\w./\\-]+\.(ts|js|mjs|cjs):\d+(:\d+)?\)?/); // a source position
    expect(text).not.toContain(dir); // the service's files, the dependency's socket
    expect(text).not.toContain(tmpdir());
    expect(text).not.toMatch(/\.sock\b/);
    expect(text).not.toMatch(/node_modules|node:internal/);
    expect(text).not.toContain(`127.0.0.1:${port}`);
    expect(text).not.toMatch(/\bunix:\/\//);
  });

  it('still answers what each failure was, naming the service that failed', async () => {
    const down = await raw(running.url, 'POST', '/relay', JSON_TYPE, '{"n": 1}');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body).error).toEqual({ code: 'service_unavailable', message: 'Service Downstream is unavailable (ENOENT)', details: { service: 'Downstream' } });
    const exploded = await raw(running.url, 'POST', '/explode', JSON_TYPE, '{}');
    expect(exploded.status).toBe(500);
    expect(JSON.parse(exploded.body).error).toMatchObject({ code: 'internal_error', message: 'Internal server error' });
  });
});

/** Keeps the Downstream class used: the graph needs it, the test never serves it. */
void Downstream;
