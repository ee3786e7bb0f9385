import { Describe } from './fixtures/describe';
import { Lifecycle } from './fixtures/lifecycle';
import { Slow } from './fixtures/slow';
import { makeImage } from './helpers/images';
import { find, parsePrometheus } from './helpers/prometheus';
import { expectErrorShape, postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('routes', () => {
  let running: Running;
  let image: string;
  beforeAll(async () => {
    running = await serveForTest(Describe);
    image = (await makeImage('png', 6, 2)).toString('base64');
  });
  afterAll(() => running.close());

  it.each(['/describe?verbose=1', '/describe/'])('serves POST %s like /describe', async (path) => {
    const { status, json, headers } = await postJson(running.url + path, { image, params: { prompt: 'q' } });
    expect(status).toBe(200);
    expect(json).toEqual({ width: 6, height: 2, prompt: 'q' });
    expect(headers.get('x-request-id')).toBeTruthy();
  });

  it('reads an empty JSON body as {} and says what is missing', async () => {
    const response = await fetch(`${running.url}/describe`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    const error = expectErrorShape(await response.json(), 'validation_error');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['image', 'params']);
  });

  it('answers 405 to PUT and DELETE of an API route', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const response = await fetch(`${running.url}/describe`, { method });
      expect(response.status).toBe(405);
      expectErrorShape(await response.json(), 'method_not_allowed');
    }
  });
});

describe('results and output checks', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Lifecycle);
  });
  afterAll(() => running.close());

  it('answers 500 when a result does not match the output schema, without the schema error', async () => {
    const { status, json, text } = await postJson(`${running.url}/broken`, {});
    expect(status).toBe(500);
    expect(expectErrorShape(json, 'internal_error').details).toEqual({ request_id: expect.any(String) });
    expect(text).not.toContain('three');
  });

  it('writes bigints as strings and TypedArrays as arrays', async () => {
    const { status, json } = await postJson(`${running.url}/values`, {});
    expect(status).toBe(200);
    expect(json).toEqual({ big: '12345678901234567890', bytes: [1, 2, 3] });
  });
});

describe('close()', () => {
  it('lets in-flight requests finish, then runs onShutdown', async () => {
    const running = await serveForTest(Lifecycle);
    Lifecycle.events.length = 0;
    const inFlight = postJson(`${running.url}/work`, { ms: 300 });
    await new Promise((r) => setTimeout(r, 50));
    const closed = running.close();
    const { status, json } = await inFlight;
    await closed;
    expect(status).toBe(200);
    expect(json).toEqual({ done: true });
    expect(Lifecycle.events).toEqual(['work done', 'shutdown']);
    await expect(fetch(`${running.url}/livez`)).rejects.toThrow();
  });
});

describe('metrics of refused and timed-out requests', () => {
  it('counts 429 and 504 answers under their endpoint and status, and none stay in progress', async () => {
    const running = await serveForTest(Slow);
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => postJson(`${running.url}/wait`, { ms: 100 })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
      expect((await postJson(`${running.url}/wait`, { ms: 2000 })).status).toBe(504);
      const { samples } = parsePrometheus(await (await fetch(`${running.url}/metrics`)).text());
      const count = (code: string) => find(samples, 'bento_service_request_total', { endpoint: '/wait', http_response_code: code }).map((s) => s.value);
      expect(count('200')).toEqual([2]);
      expect(count('429')).toEqual([2]);
      expect(count('504')).toEqual([1]);
      expect(find(samples, 'bento_service_request_in_progress', { endpoint: '/wait' }).map((s) => s.value)).toEqual([0]);
    } finally {
      await running.close();
    }
  });

  it('frees the slot when the client goes away', async () => {
    const running = await serveForTest(Slow);
    try {
      const controllers = [new AbortController(), new AbortController()];
      const calls = controllers.map((c) =>
        fetch(`${running.url}/wait`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 150 }), signal: c.signal }).catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 30));
      for (const c of controllers) c.abort();
      await Promise.all(calls);
      await new Promise((r) => setTimeout(r, 50));
      expect((await postJson(`${running.url}/wait`, { ms: 0 })).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
