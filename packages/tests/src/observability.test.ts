import { Describe } from './fixtures/describe';
import { makeImage } from './helpers/images';
import { validateOpenApi } from './helpers/openapi';
import { find, parsePrometheus, promtoolCheck } from './helpers/prometheus';
import { postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let running: Running;
let pngBase64: string;
beforeAll(async () => {
  running = await serveForTest(Describe);
  pngBase64 = (await makeImage('png', 3, 3)).toString('base64');
});
afterAll(() => running.close());

describe('x-request-id', () => {
  it.each([
    ['POST', '/describe'],
    ['GET', '/describe'],
    ['GET', '/livez'],
    ['GET', '/readyz'],
    ['GET', '/metrics'],
    ['GET', '/docs.json'],
    ['GET', '/docs'],
    ['GET', '/nope'],
  ])('is on the response to %s %s', async (method, path) => {
    const response = await fetch(running.url + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    await response.arrayBuffer();
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('echoes a safe id the caller sent, on API and other routes', async () => {
    const api = await postJson(`${running.url}/describe`, { image: pngBase64, params: { prompt: 'p' } }, { 'x-request-id': 'trace-42.a:b' });
    expect(api.status).toBe(200);
    expect(api.headers.get('x-request-id')).toBe('trace-42.a:b');
    const probe = await fetch(`${running.url}/livez`, { headers: { 'x-request-id': 'probe-1' } });
    expect(probe.headers.get('x-request-id')).toBe('probe-1');
    const failed = await postJson(`${running.url}/describe`, {}, { 'x-request-id': 'failed-1' });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('x-request-id')).toBe('failed-1');
  });

  it('replaces an unsafe id by a fresh one', async () => {
    for (const unsafe of ['has space', 'x'.repeat(200), '<script>']) {
      const response = await fetch(`${running.url}/livez`, { headers: { 'x-request-id': unsafe } });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    }
  });
});

describe('probes', () => {
  it.each(['/livez', '/readyz', '/healthz'])('%s answers 200 ok', async (path) => {
    const response = await fetch(running.url + path);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });
});

describe('/metrics', () => {
  it('counts requests by endpoint, service and status, with a duration histogram and an in-progress gauge', async () => {
    const server = await serveForTest(Describe);
    try {
      for (let i = 0; i < 3; i++) expect((await postJson(`${server.url}/describe`, { image: pngBase64, params: { prompt: 'p' } })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await postJson(`${server.url}/describe`, { params: {} })).status).toBe(400);
      expect((await fetch(`${server.url}/describe`)).status).toBe(405);
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);

      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const { samples, types } = parsePrometheus(await response.text());
      expect(types.get('bento_service_request_total')).toBe('counter');
      expect(types.get('bento_service_request_duration_seconds')).toBe('histogram');
      expect(types.get('bento_service_request_in_progress')).toBe('gauge');

      const total = (code: string, endpoint = '/describe') =>
        find(samples, 'bento_service_request_total', { endpoint, service_name: 'Describe', http_response_code: code }).map((s) => s.value);
      expect(total('200')).toEqual([3]);
      expect(total('400')).toEqual([2]);
      expect(total('405')).toEqual([1]);
      expect(total('200', '/livez')).toEqual([1]);
      // The scrape itself is counted when it finishes, not before.
      expect(total('200', '/metrics')).toEqual([]);
      for (const sample of find(samples, 'bento_service_request_total')) {
        expect(Object.keys(sample.labels).sort()).toEqual(['endpoint', 'http_response_code', 'service_name']);
      }

      const labels = { endpoint: '/describe', service_name: 'Describe', http_response_code: '200' };
      expect(find(samples, 'bento_service_request_duration_seconds_count', labels).map((s) => s.value)).toEqual([3]);
      const [sum] = find(samples, 'bento_service_request_duration_seconds_sum', labels);
      expect(sum!.value).toBeGreaterThan(0);
      expect(sum!.value).toBeLessThan(10);
      const buckets = find(samples, 'bento_service_request_duration_seconds_bucket', labels);
      expect(buckets.length).toBeGreaterThan(5);
      const values = buckets.map((b) => b.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(buckets.at(-1)!.labels.le).toBe('+Inf');
      expect(buckets.at(-1)!.value).toBe(3);

      const inProgress = find(samples, 'bento_service_request_in_progress', { endpoint: '/describe', service_name: 'Describe' });
      expect(inProgress.map((s) => s.value)).toEqual([0]);

      const again = parsePrometheus(await (await fetch(`${server.url}/metrics`)).text());
      expect(find(again.samples, 'bento_service_request_total', { endpoint: '/metrics', http_response_code: '200' }).map((s) => s.value)).toEqual([1]);
    } finally {
      await server.close();
    }
  });

  it('passes `promtool check metrics` with no findings, after answers of every kind', async () => {
    const server = await serveForTest(Describe);
    try {
      expect((await postJson(`${server.url}/describe`, { image: pngBase64, params: { prompt: 'p' } })).status).toBe(200);
      expect((await postJson(`${server.url}/describe`, { params: {} })).status).toBe(400);
      expect((await fetch(`${server.url}/describe`)).status).toBe(405);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      await (await fetch(`${server.url}/metrics`)).arrayBuffer();
      const exposition = await (await fetch(`${server.url}/metrics`)).text();
      expect(exposition).toMatch(/^bento_service_request_total\{endpoint="\/describe",service_name="Describe",http_response_code="400"\} 1$/m);
      expect(exposition).toMatch(/^nodejs_active_handles\{/m);
      expect(await promtoolCheck(exposition)).toEqual({ code: 0, output: '' });
    } finally {
      await server.close();
    }
  });

  it('records unknown paths under one "unmatched" endpoint', async () => {
    const unmatched = async () => {
      const { samples } = parsePrometheus(await (await fetch(`${running.url}/metrics`)).text());
      return { samples, count: find(samples, 'bento_service_request_total', { endpoint: 'unmatched', http_response_code: '404' })[0]?.value ?? 0 };
    };
    const before = (await unmatched()).count;
    for (const path of ['/a', '/b', '/c/d']) await (await fetch(running.url + path)).arrayBuffer();
    const { samples, count } = await unmatched();
    expect(count - before).toBe(3);
    expect(find(samples, 'bento_service_request_total', { endpoint: '/a' })).toEqual([]);
  });
});

describe('/docs.json and /docs', () => {
  it('serves a valid OpenAPI 3.1 document with the routes', async () => {
    const response = await fetch(`${running.url}/docs.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await response.json()) as { openapi: string; info: { title: string }; paths: Record<string, Record<string, unknown>> };
    const result = validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Describe');
    expect(Object.keys(doc.paths['/describe']!)).toEqual(['post']);
    expect(doc.paths).toHaveProperty(['/livez', 'get']);
    expect(doc.paths).toHaveProperty(['/readyz', 'get']);
  });

  it('serves the Swagger UI page and its JS and CSS from the server itself', async () => {
    const page = await fetch(`${running.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Describe');
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, `${running.url}/docs`));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /javascript/ : /^text\/css/);
      // Swagger UI's files are large; the script that starts it is ours and small.
      const body = Buffer.from(await response.arrayBuffer());
      if (asset === '/docs/init.js') expect(body.toString()).toContain('/docs.json');
      else expect(body.byteLength).toBeGreaterThan(1000);
    }
    expect(assets).toContain('/docs/init.js');
    // No inline script: the page's policy allows none.
    expect(html).not.toMatch(/<script>/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
