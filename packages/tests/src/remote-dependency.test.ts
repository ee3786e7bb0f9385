import { randomBytes } from 'node:crypto';
import { createClient, RemoteError, TimeoutError } from '@bento/core';
import { Calls, Forwarder, holds } from './fixtures/calls';
import { Echo, Relay } from './fixtures/tensor-relay';
import { postJson, serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('depends() on a service served by another server', () => {
  let echo: Running;
  let relay: Running;
  const token = randomBytes(16).toString('hex');

  beforeAll(async () => {
    echo = await serveForTest(Echo, { internalToken: token });
    relay = await serveForTest(Relay, { internalToken: token, serviceMap: { Echo: echo.url } });
  });
  afterAll(async () => {
    await relay?.close();
    await echo?.close();
  });

  it('moves a 3 MiB tensor through two hops byte-exact', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const form = new FormData();
    form.append('bytes', new Blob([bytes], { type: 'application/octet-stream' }), 'bytes.bin');
    const response = await fetch(`${relay.url}/relay`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const expectedSum = bytes.reduce((a, b) => a + b, 0);
    expect(await response.json()).toEqual({ length: bytes.length, sum: expectedSum, same: true });
  });

  it("carries the request id and the caller's trace to the callee: both services log them", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const given = await postJson(`${relay.url}/slow`, { ms: 1 }, { 'x-request-id': 'hop-test-1', traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(given.status).toBe(200);
    // A request without a trace starts one; its id is the same on both hops.
    const fresh = await postJson(`${relay.url}/slow`, { ms: 1 }, { 'x-request-id': 'hop-test-2' });
    expect(fresh.status).toBe(200);
    const lineOf = (running: Running, path: string, id: string) => running.logs().find((l) => l.msg === 'request' && l.path === path && l.request_id === id);
    await until(() => Boolean(lineOf(echo, '/_bento/call/sleep', 'hop-test-2')), "Echo's access lines");
    expect(lineOf(relay, '/slow', 'hop-test-1')).toMatchObject({ trace_id: traceId });
    expect(lineOf(echo, '/_bento/call/sleep', 'hop-test-1')).toMatchObject({ trace_id: traceId });
    const started = lineOf(relay, '/slow', 'hop-test-2')!.trace_id as string;
    expect(started).toMatch(/^[0-9a-f]{32}$/);
    expect(started).not.toBe(traceId);
    expect(lineOf(echo, '/_bento/call/sleep', 'hop-test-2')).toMatchObject({ trace_id: started });
  });

  it('refuses an internal call without the token (401) and keeps the public API open', async () => {
    const response = await fetch(`${echo.url}/_bento/call/sleep`, { method: 'POST', headers: { 'content-type': 'application/vnd.bento.frames' }, body: 'x' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const publicCall = await postJson(`${echo.url}/sleep`, { ms: 1 });
    expect(publicCall.status).toBe(200);
  });

  it('answers 400 to hundreds of malformed frames bodies and keeps serving', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const headers = { 'content-type': 'application/vnd.bento.frames', 'x-bento-internal-token': token };
    for (let i = 0; i < 300; i++) {
      const body = randomBytes(Math.floor(random() * 200));
      // Some bodies start like the real format, so the decoder gets past the magic bytes.
      if (i % 2 === 0 && body.length >= 8) body.set([0x89, 0x42, 0x4e, 0x54, 1, 0, 0, 0]);
      const response = await fetch(`${echo.url}/_bento/call/sleep`, { method: 'POST', headers, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
    expect((await postJson(`${relay.url}/slow`, { ms: 1 })).status).toBe(200);
  });

  it("keeps the callee's status and code and names it", async () => {
    const response = await fetch(`${relay.url}/broken`, { method: 'POST' });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-bento-error-service')).toBe('Echo');
    const slow = await postJson(`${relay.url}/slow`, { ms: 1500 });
    expect(slow.status).toBe(504);
    expect(slow.json.error.code).toBe('timeout');
    expect(slow.headers.get('x-bento-error-service')).toBe('Echo');

    // The typed client of the entry service sees the same: status, code, and the service it started in.
    const client = createClient<typeof Relay>(relay.url);
    const error = await client.slow({ ms: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ status: 504, code: 'timeout', service: 'Echo' });
  });

  it('answers 503 naming the dependency when it cannot be reached', async () => {
    const orphan = await serveForTest(Relay, { internalToken: token, serviceMap: { Echo: 'http://127.0.0.1:9' } });
    try {
      const { status, json } = await postJson(`${orphan.url}/slow`, { ms: 1 });
      expect(status).toBe(503);
      expect(json.error.message).toBe('Service Echo is unavailable (ECONNREFUSED)');
      // The dependency's address is an internal of the deployment: in the logs, never in the answer.
      expect(JSON.stringify(json)).not.toContain('127.0.0.1:9');
      const readyz = await fetch(`${orphan.url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await readyz.text()).toBe('not ready: dependency Echo is not ready');
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    } finally {
      await orphan.close();
    }
  });
});

describe('depends() call options, across servers', () => {
  const token = randomBytes(16).toString('hex');
  let calls: Running;
  let forwarder: Running;
  beforeAll(async () => {
    calls = await serveForTest(Calls, { internalToken: token });
    forwarder = await serveForTest(Forwarder, { internalToken: token, serviceMap: { Calls: calls.url } });
  });
  afterAll(async () => {
    await forwarder?.close();
    await calls?.close();
  });

  it('closes the internal request when the signal passed to the dependency call aborts', async () => {
    const { started, aborted } = holds;
    const client = createClient<typeof Forwarder>(forwarder.url);
    const error = await client.forward({ ms: 30_000 }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // Client gone → Forwarder's ctx.signal aborts → its call to Calls is closed → Calls sees it.
    await until(() => holds.aborted > aborted, 'Calls.hold to see its request abandoned');
    expect(holds.started).toBe(started + 1);
    // The pool is still good for the next call.
    expect(await client.forward({ ms: 1 })).toEqual({ held: 1, abandoned: false });
  });
});

/** A Relay → Echo pair served here; one at a time: the last serve() installs the process's dependency resolver. */
function relayPair(echoOptions: { internalToken: string; maxBodySize?: number }, relayToken: string) {
  const pair: { echo?: Running; relay?: Running } = {};
  beforeAll(async () => {
    pair.echo = await serveForTest(Echo, echoOptions);
    pair.relay = await serveForTest(Relay, { internalToken: relayToken, serviceMap: { Echo: pair.echo.url } });
  });
  afterAll(async () => {
    await pair.relay?.close();
    await pair.echo?.close();
  });
  return pair;
}

async function expectBadGateway(pair: { echo?: Running; relay?: Running }, status: number): Promise<void> {
  const form = new FormData();
  form.append('bytes', new Blob([randomBytes(4096)], { type: 'application/octet-stream' }), 'bytes.bin');
  const response = await fetch(`${pair.relay!.url}/relay`, { method: 'POST', body: form });
  expect(response.status).toBe(502);
  expect(response.headers.get('x-bento-error-service')).toBeNull();
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ error: { code: 'bad_gateway', message: `A dependency of Relay refused the call (HTTP ${status}); the details are in Relay's logs` } });
  for (const secret of ['token', pair.echo!.url, 'limit']) expect(text).not.toContain(secret);
  expect(pair.relay!.logs().some((line) => line.msg === 'relay: a dependency refused the call' && line.dependency_status === status)).toBe(true);
}

// A dependency's refusals that reveal internals reach the caller's client as a 502, the detail in the logs.
describe('a dependency holding another internal token (401)', () => {
  const pair = relayPair({ internalToken: randomBytes(16).toString('hex') }, randomBytes(16).toString('hex'));
  it('is a 502 bad_gateway for the caller, with nothing internal in the answer', () => expectBadGateway(pair, 401));
});

describe('a dependency whose body limit the call is over (413)', () => {
  const token = randomBytes(16).toString('hex');
  const pair = relayPair({ internalToken: token, maxBodySize: 1024 }, token);
  it('is a 502 bad_gateway for the caller, with nothing internal in the answer', () => expectBadGateway(pair, 413));
});
