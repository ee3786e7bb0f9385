// CORS on real servers: preflights and actual requests from an allowed origin, another origin, and
// none, with API keys on (a preflight needs no key; a 401 stays readable by an allowed page).
import { randomBytes } from 'node:crypto';
import { api, createLogger, serve, service, type ApiContext, type RunningService } from '@bento/core';
import { z } from 'zod';
import { postJson } from './helpers/server';

const KEY = randomBytes(24).toString('hex');
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const quiet = () => createLogger('test', { level: 'silent' });

@service({ name: 'CrossOrigin', cors: { allow_origins: [APP, 'http://localhost:5173'], expose_headers: ['x-seed'], allow_headers: ['x-client-version'], max_age: 120 } })
class CrossOrigin {
  @api({ input: z.object({ text: z.string() }) })
  async echo({ text }: { text: string }, ctx: ApiContext) {
    ctx.response.headers.set('x-seed', '42');
    return { text };
  }
}

@service({ name: 'AnyOrigin', cors: { allow_origins: '*' } })
class AnyOrigin {
  @api()
  async ping() {
    return { pong: true };
  }
}

@service({ name: 'SameOrigin' })
class SameOrigin {
  @api()
  async ping() {
    return { pong: true };
  }
}

function preflight(url: string, origin: string, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization', ...headers } });
}

function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

describe('a service with cors.allow_origins listed, and API keys', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await serve(CrossOrigin, { port: 0, host: '127.0.0.1', apiKeys: [KEY], logger: quiet(), drainSeconds: 1 });
  });
  afterAll(() => running?.close());

  it('answers a preflight from an allowed origin 204 with what it allows, without asking for a key', async () => {
    const response = await preflight(`${running.url}/echo`, APP);
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, x-api-key, x-request-id, traceparent, tracestate, x-bento-deadline-ms, x-client-version',
      'access-control-max-age': '120',
    });
    expect(response.headers.get('vary')).toBe('Origin');
    expect(await response.text()).toBe('');
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const response = await preflight(`${running.url}/echo`, EVIL);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual({});
    expect(response.headers.get('vary')).toBe('Origin');
    expect(await response.json()).toEqual({ error: { code: 'origin_not_allowed', message: `Origin ${EVIL} may not call this service (it is not in the service's cors.allow_origins)` } });
  });

  it("lets an allowed origin's page read the answer and the headers it exposes", async () => {
    const answer = await postJson(`${running.url}/echo`, { text: 'hi' }, { origin: APP, 'x-api-key': KEY });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-expose-headers')).toBe('x-request-id, x-bento-error-service, retry-after, x-bento-not-started, x-seed');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toBe('Origin');
    expect(answer.headers.get('x-seed')).toBe('42');
  });

  it('lets an allowed page read a 401, so it can say a key is needed', async () => {
    const answer = await postJson(`${running.url}/echo`, { text: 'hi' }, { origin: 'http://localhost:5173' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(answer.json.error.code).toBe('unauthorized');
  });

  it("gives another origin's requests no CORS headers (its browser keeps the page from reading them)", async () => {
    const answer = await postJson(`${running.url}/echo`, { text: 'hi' }, { origin: EVIL, 'x-api-key': KEY });
    expect(answer.status).toBe(200);
    expect(corsHeaders(new Response(null, { headers: answer.headers }))).toEqual({});
    // Nor does a request without an Origin (curl, another server) get any.
    const plain = await postJson(`${running.url}/echo`, { text: 'hi' }, { 'x-api-key': KEY });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Origin');
  });

  it('applies to the routes served by express too (probes, docs)', async () => {
    for (const route of ['/readyz', '/docs.json']) {
      const allowed = await fetch(running.url + route, { headers: { origin: APP } });
      await allowed.arrayBuffer();
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
      const other = await fetch(running.url + route, { headers: { origin: EVIL } });
      await other.arrayBuffer();
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('a service with cors.allow_origins "*"', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await serve(AnyOrigin, { port: 0, host: '127.0.0.1', logger: quiet(), drainSeconds: 1 });
  });
  afterAll(() => running?.close());

  it('answers any origin with "*", and needs no Vary', async () => {
    const answer = await postJson(`${running.url}/ping`, {}, { origin: EVIL });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('vary')).toBeNull();
    const response = await preflight(`${running.url}/ping`, EVIL);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('a service without cors', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await serve(SameOrigin, { port: 0, host: '127.0.0.1', logger: quiet(), drainSeconds: 1 });
  });
  afterAll(() => running?.close());

  it('sends no CORS headers at all, and takes no preflight', async () => {
    const answer = await postJson(`${running.url}/ping`, {}, { origin: APP });
    expect(answer.status).toBe(200);
    expect(corsHeaders(new Response(null, { headers: answer.headers }))).toEqual({});
    const response = await preflight(`${running.url}/ping`, APP);
    expect(response.status).toBe(405);
    expect(corsHeaders(response)).toEqual({});
  });
});
