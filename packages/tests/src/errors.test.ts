import { request } from 'node:http';
import { Describe } from './fixtures/describe';
import { Slow } from './fixtures/slow';
import { Toolbox } from './fixtures/toolbox';
import { makeImage } from './helpers/images';
import { expectErrorShape, postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

/** Every error below must leave the server answering normal requests. */
async function expectStillServing(running: Running): Promise<void> {
  const { status, json } = await postJson(`${running.url}/describe`, { image: pngBase64, params: { prompt: 'still here' } });
  expect(status).toBe(200);
  expect(json).toEqual({ width: 4, height: 4, prompt: 'still here' });
}

let pngBase64: string;
beforeAll(async () => {
  pngBase64 = (await makeImage('png', 4, 4)).toString('base64');
});

describe('errors of Describe: one JSON shape, and the server keeps serving', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Describe, { maxBodySize: 64 * 1024 });
  });
  afterEach(() => expectStillServing(running));
  afterAll(() => running.close());

  it('400 on a validation error, with the zod issue path in details', async () => {
    const { status, json, headers } = await postJson(`${running.url}/describe`, { image: pngBase64, params: { prompt: 'x', num_inference_steps: 500 } });
    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    const error = expectErrorShape(json, 'validation_error');
    expect(error.message).toMatch(/^Invalid input: params\.num_inference_steps: /);
    expect(error.details).toEqual([expect.objectContaining({ path: 'params.num_inference_steps', code: 'too_big' })]);
  });

  it('400 listing every invalid path', async () => {
    const { status, json } = await postJson(`${running.url}/describe`, { params: { prompt: '' } });
    expect(status).toBe(400);
    const error = expectErrorShape(json, 'validation_error');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['image', 'params.prompt']);
    expect(error.message).toContain('(and 1 more)');
  });

  it('400 on an undecodable image, multipart or base64', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.from('definitely not a png')], { type: 'image/png' }), 'broken.png');
    form.append('params', JSON.stringify({ prompt: 'x' }));
    const response = await fetch(`${running.url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    const error = expectErrorShape(await response.json(), 'validation_error');
    expect(error.details).toEqual([expect.objectContaining({ path: 'image', message: expect.stringMatching(/^Expected a PNG, JPEG or WebP image but the bytes could not be decoded/) })]);

    const { status, json } = await postJson(`${running.url}/describe`, { image: Buffer.from('nope nope').toString('base64'), params: { prompt: 'x' } });
    expect(status).toBe(400);
    expect(expectErrorShape(json, 'validation_error').details[0].path).toBe('image');
  });

  it('400 on bad JSON', async () => {
    const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image": ' });
    expect(response.status).toBe(400);
    expect(expectErrorShape(await response.json(), 'bad_request').message).toMatch(/^Request body is not valid JSON/);
  });

  it('400 on a multipart text part that is not JSON where an object is expected', async () => {
    const form = new FormData();
    form.append('image', new Blob([await makeImage('png', 2, 2)], { type: 'image/png' }), 'a.png');
    form.append('params', 'not json');
    const response = await fetch(`${running.url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(expectErrorShape(await response.json(), 'bad_request').message).toMatch(/^Multipart field "params" is not valid JSON: /);
  });

  it('400 on a multipart body that is truncated, has no boundary or a broken part, naming what is wrong', async () => {
    const boundary = 'bentotest';
    const good = `--${boundary}\r\ncontent-disposition: form-data; name="params"\r\n\r\n{"prompt":"x"}\r\n--${boundary}--\r\n`;
    const cases: Array<[string, string, RegExp]> = [
      [`multipart/form-data; boundary=${boundary}`, good.slice(0, -12), /no closing boundary "--bentotest--" \(truncated\)$/],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nbroken header\r\n\r\nx\r\n--${boundary}--`, /a part header line without a colon/],
      [`multipart/form-data; boundary=other`, good, /no boundary "--other" in the body/],
      ['multipart/form-data', good, /its Content-Type has no boundary parameter/],
    ];
    for (const [contentType, body, message] of cases) {
      const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(response.status).toBe(400);
      expect(expectErrorShape(await response.json(), 'bad_request').message).toMatch(message);
    }
  });

  it('404 on an unknown route, GET or POST', async () => {
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${running.url}/nope`, { method });
      expect(response.status).toBe(404);
      expect(expectErrorShape(await response.json(), 'not_found').message).toBe(`No route ${method} /nope`);
    }
  });

  it('405 on GET of an API route, with Allow: POST', async () => {
    const response = await fetch(`${running.url}/describe`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(expectErrorShape(await response.json(), 'method_not_allowed').details).toEqual({ allow: 'POST' });
  });

  it('413 over maxBodySize with a Content-Length', async () => {
    const body = JSON.stringify({ image: 'A'.repeat(100 * 1024), params: { prompt: 'x' } });
    const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(expectErrorShape(await response.json(), 'payload_too_large').details).toEqual({ limit_bytes: 64 * 1024 });
  });

  it('413 over maxBodySize with a chunked body', async () => {
    const { status, body, headers } = await new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
      });
      req.on('error', reject);
      // No Content-Length: node sends the body chunked, so only counting the bytes can catch it.
      const chunk = 'A'.repeat(16 * 1024);
      req.write('{"image":"');
      let sent = 0;
      const pump = () => {
        while (sent < 8) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end('"}');
      };
      pump();
    });
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(status).toBe(413);
    expect(expectErrorShape(JSON.parse(body), 'payload_too_large').details).toEqual({ limit_bytes: 64 * 1024 });
  });

  it('413 over maxBodySize with a chunked multipart body', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.alloc(128 * 1024, 7)], { type: 'image/png' }), 'big.png');
    const stream = new Response(form).body!;
    const contentType = new Response(form).headers.get('content-type')!;
    const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': contentType }, body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expectErrorShape(await response.json(), 'payload_too_large');
  });

  it('413 over maxBodySize with a multipart body and a Content-Length', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.alloc(128 * 1024, 7)], { type: 'image/png' }), 'big.png');
    const response = await fetch(`${running.url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(413);
    expect(expectErrorShape(await response.json(), 'payload_too_large').details).toEqual({ limit_bytes: 64 * 1024 });
  });

  it('415 on a content type the route does not read', async () => {
    const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(response.status).toBe(415);
    const error = expectErrorShape(await response.json(), 'unsupported_media_type');
    expect(error.details).toEqual({ received: 'text/plain', expected: ['application/json', 'multipart/form-data'] });
  });
});

describe('errors of Toolbox', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Toolbox);
  });
  afterAll(() => running.close());

  it('500 with the request id in details, and no stack or internal message in the body', async () => {
    const { status, json, text, headers } = await postJson(`${running.url}/fail`, {});
    expect(status).toBe(500);
    const error = expectErrorShape(json, 'internal_error');
    expect(error.message).toBe('Internal server error');
    expect(error.details).toEqual({ request_id: headers.get('x-request-id') });
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    expect(text).not.toContain('Error:');
    // The internal message goes to the log, under the same request id.
    const logged = running.logs().find((line) => line.request_id === error.details.request_id && line.level === 50);
    expect(JSON.stringify(logged)).toContain('hunter2');

    const after = await postJson(`${running.url}/shout`, { text: 'ok' });
    expect(after.json).toEqual({ text: 'OK' });
  });
});

describe('errors of Slow: 429 over max_concurrency, 504 over traffic.timeout', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Slow);
  });
  afterAll(() => running.close());

  const stillServing = async () => {
    const { status, json } = await postJson(`${running.url}/wait`, { ms: 0 });
    expect(status).toBe(200);
    expect(json).toEqual({ waited: 0 });
  };

  it('429 with Retry-After once max_concurrency (2) requests are running', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => postJson(`${running.url}/wait`, { ms: 150 })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    for (const refused of results.filter((r) => r.status === 429)) {
      expect(refused.headers.get('retry-after')).toBe('1');
      const error = expectErrorShape(refused.json, 'too_many_requests');
      expect(error.message).toBe('Service Slow is at its max_concurrency of 2; retry later');
    }
    await stillServing();
  });

  it('504 past the 0.2 s traffic.timeout', async () => {
    const started = Date.now();
    const { status, json } = await postJson(`${running.url}/wait`, { ms: 5000 });
    const elapsed = Date.now() - started;
    expect(status).toBe(504);
    const error = expectErrorShape(json, 'timeout');
    expect(error.message).toBe('wait did not finish within the 0.2s traffic.timeout of Slow');
    expect(error.details).toEqual({ timeout_seconds: 0.2 });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    await stillServing();
  });

  it('frees the slot of a timed-out request once its work stops', async () => {
    await Promise.all([postJson(`${running.url}/wait`, { ms: 5000 }), postJson(`${running.url}/wait`, { ms: 5000 })]);
    await stillServing();
    await stillServing();
  });
});
