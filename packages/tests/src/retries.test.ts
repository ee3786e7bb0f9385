// Retries and deadlines of depends() calls between real servers (see docs/distributed-services.md,
// "Retries and deadlines"). One caller at a time: the last serve() installs the process's resolver.
import { randomBytes } from 'node:crypto';
import { createClient, serve, TimeoutError, type RunningService } from '@bento/core';
import { Caller, Flaky, HastyCaller, Head, hooks, Middle, Narrow, NarrowCaller, OneShotCaller, PatientCaller, publicApiCaller, seen } from './fixtures/retries';
import { cuttingProxy } from './helpers/cutting-proxy';
import { memoryLogger } from './helpers/logger';
import { parsePrometheus } from './helpers/prometheus';
import { postJson, serveForTest } from './helpers/server';
import { unusedUrl, until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;
const token = randomBytes(16).toString('hex');

/** The caller's log lines about retrying calls to `method`. */
function retriesOf(caller: Running, method: string) {
  return caller.logs().filter((line) => line.msg === `call to Flaky.${method} failed; retrying`);
}

describe('a dependency that is not listening yet', () => {
  let caller: Running | undefined;
  let flaky: Running | undefined;
  afterAll(async () => {
    await caller?.close();
    await flaky?.close();
  });

  it('is called once it listens: refused connections are retried, plain and streaming calls alike', async () => {
    const url = await unusedUrl();
    caller = await serveForTest(PatientCaller, { internalToken: token, serviceMap: { Flaky: url } });
    const plain = postJson(`${caller.url}/work`, { key: 'late-start' });
    const streamed = postJson(`${caller.url}/tokens`, { key: 'late-start-stream' });
    await until(() => retriesOf(caller!, 'work').length > 0 && retriesOf(caller!, 'tokens').length > 0, 'the caller to retry both calls');
    expect(retriesOf(caller, 'work')[0]).toMatchObject({ level: 40, dependency: 'Flaky', attempt: 1, reason: expect.stringContaining('ECONNREFUSED') });
    flaky = await serveForTest(Flaky, { internalToken: token, port: Number(new URL(url).port) });
    expect(await plain).toMatchObject({ status: 200, json: { key: 'late-start', runs: 1 } });
    expect(await streamed).toMatchObject({ status: 200, json: ['a', 'b'] });
    expect(seen.runs.get('late-start-stream')).toBe(1);
  });
});

describe('an external deployment (depends({ url }))', () => {
  let caller: Running | undefined;
  let flaky: Running | undefined;
  afterAll(async () => {
    await caller?.close();
    await flaky?.close();
  });

  it('is retried while it does not listen', async () => {
    const url = await unusedUrl();
    caller = await serveForTest(publicApiCaller(url, 30), {});
    const call = postJson(`${caller.url}/work`, { key: 'public-late-start' });
    await until(() => retriesOf(caller!, 'work').length > 0, 'the caller to retry');
    flaky = await serveForTest(Flaky, { port: Number(new URL(url).port) });
    expect(await call).toMatchObject({ status: 200, json: { key: 'public-late-start', runs: 1 } });
  });

  it("gets the caller's deadline, which stops it when the caller's time is up", async () => {
    await caller!.close();
    caller = await serveForTest(publicApiCaller(flaky!.url, 1), {});
    const { status } = await postJson(`${caller.url}/waitForAbort`, { key: 'public-deadline' });
    expect(status).toBe(504);
    await until(() => seen.aborts.has('public-deadline'), "Flaky's signal to abort");
    const sent = Number(seen.deadlineHeaders.get('public-deadline'));
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(1000);
  });

  it('gets the time left of a typed client call with timeoutMs', async () => {
    const client = createClient<typeof Flaky>(flaky!.url);
    await expect(client.waitForAbort({ key: 'client-deadline' }, { timeoutMs: 500 })).rejects.toBeInstanceOf(TimeoutError);
    await until(() => seen.aborts.has('client-deadline'), "Flaky's signal to abort");
    const sent = Number(seen.deadlineHeaders.get('client-deadline'));
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(500);
  });
});

describe('a dependency that is still starting', () => {
  let caller: Running | undefined;
  let flaky: RunningService | undefined;
  afterAll(async () => {
    hooks.startup = undefined;
    await caller?.close();
    await flaky?.close();
  });

  it('answers "not started" 503s, which are retried until it is ready; the method runs once', async () => {
    let release!: () => void;
    hooks.startup = new Promise<void>((resolve) => (release = resolve));
    const url = await unusedUrl();
    const { logger, lines } = memoryLogger();
    // Resolves once its onStartup is done; answers 503 "starting" until then.
    const starting = serve(Flaky, { port: Number(new URL(url).port), host: '127.0.0.1', logger, internalToken: token, drainSeconds: 1 });
    caller = await serveForTest(PatientCaller, { internalToken: token, serviceMap: { Flaky: url } });
    const call = postJson(`${caller.url}/work`, { key: 'while-starting' });
    const refused = () => lines().filter((line) => line.msg === 'request' && line.path === '/_bento/call/work' && line.status === 503);
    await until(() => refused().length >= 2, 'two 503s from the starting service');
    expect(seen.runs.get('while-starting')).toBeUndefined();
    release();
    flaky = await starting;
    expect(await call).toMatchObject({ status: 200, json: { key: 'while-starting', runs: 1 } });
    expect(retriesOf(caller, 'work')[0]).toMatchObject({ reason: expect.stringContaining('is starting') });
  });

  it('marks such answers: x-bento-not-started on the 503, not on an answer the method gave', async () => {
    let release!: () => void;
    hooks.startup = new Promise<void>((resolve) => (release = resolve));
    const url = await unusedUrl();
    const starting = serve(Flaky, { port: Number(new URL(url).port), host: '127.0.0.1', logger: memoryLogger().logger, drainSeconds: 1 });
    try {
      // Refused until it listens (a moment), then 503 until its startup is released.
      let early: Awaited<ReturnType<typeof postJson>> | undefined;
      for (let i = 0; i < 500 && !early; i++) {
        early = await postJson(`${url}/work`, { key: 'marked' }).catch(() => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10)));
      }
      expect(early).toMatchObject({ status: 503, json: { error: { code: 'service_unavailable' } } });
      expect(early!.headers.get('x-bento-not-started')).toBe('1');
      release();
      const flaky = await starting;
      const answered = await postJson(`${url}/work`, { key: 'marked' });
      expect(answered.status).toBe(200);
      expect(answered.headers.get('x-bento-not-started')).toBeNull();
      await flaky.close();
    } finally {
      release();
      await (await starting).close().catch(() => undefined);
    }
  });
});

describe('a dependency at its max_concurrency', () => {
  let narrow: Running | undefined;
  let caller: Running | undefined;
  afterAll(async () => {
    hooks.releaseHold?.();
    await caller?.close();
    await narrow?.close();
  });

  it("answers 429 before running the method; the caller retries after the 429's Retry-After", async () => {
    narrow = await serveForTest(Narrow, { internalToken: token });
    caller = await serveForTest(NarrowCaller, { internalToken: token, serviceMap: { Narrow: narrow.url } });
    const held = postJson(`${narrow.url}/hold`, {});
    await until(() => hooks.releaseHold !== undefined, 'the hold to take the only slot');
    const call = postJson(`${caller.url}/work`, { key: 'full' });
    await until(() => narrow!.logs().some((line) => line.path === '/_bento/call/work' && line.status === 429), 'a 429 from the full service');
    hooks.releaseHold!();
    expect(await held).toMatchObject({ status: 200 });
    expect(await call).toMatchObject({ status: 200, json: { key: 'full', runs: 1 } });
    const [retry] = caller.logs().filter((line) => line.msg === 'call to Narrow.work failed; retrying');
    // Bento's 429 says Retry-After: 1 (second): the caller waited at least that.
    expect(retry).toMatchObject({ kind: 'not_started', reason: expect.stringContaining('max_concurrency') });
    expect(retry!.next_in_ms).toBeGreaterThanOrEqual(1000);
  });
});

describe('a connection cut while the dependency runs the method', () => {
  let flaky: Running | undefined;
  let caller: Running | undefined;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>> | undefined;
  beforeAll(async () => {
    flaky = await serveForTest(Flaky, { internalToken: token });
    proxy = await cuttingProxy(flaky.url);
    caller = await serveForTest(Caller, { internalToken: token, serviceMap: { Flaky: proxy.url } });
    hooks.firstRun = () => proxy!.cut();
  });
  afterAll(async () => {
    hooks.firstRun = undefined;
    await caller?.close();
    await proxy?.close();
    await flaky?.close();
  });

  it('is not retried for an API that is not idempotent: the caller gets 503, the method ran once', async () => {
    const { status, json } = await postJson(`${caller!.url}/work`, { key: 'cut-work' });
    expect(status).toBe(503);
    expect(json.error.message).toMatch(/^Service Flaky is unavailable( \(\w+\))?$/);
    expect(seen.runs.get('cut-work')).toBe(1);
    expect(retriesOf(caller!, 'work')).toEqual([]);
  });

  it('is retried for an API marked idempotent: the method runs again and the call succeeds', async () => {
    const { status, json } = await postJson(`${caller!.url}/read`, { key: 'cut-read' });
    expect(status).toBe(200);
    expect(json).toEqual({ key: 'cut-read', runs: 2 });
    expect(retriesOf(caller!, 'read')).toHaveLength(1);
  });
});

describe("the caller's deadline", () => {
  let flaky: Running | undefined;
  let middle: Running | undefined;
  let head: Running | undefined;
  beforeAll(async () => {
    flaky = await serveForTest(Flaky, { internalToken: token });
    middle = await serveForTest(Middle, { internalToken: token, serviceMap: { Flaky: flaky.url } });
    // Last: its resolver serves Middle's depends() too, so it maps both.
    head = await serveForTest(Head, { internalToken: token, serviceMap: { Middle: middle.url, Flaky: flaky.url } });
  });
  afterAll(async () => {
    await head?.close();
    await middle?.close();
    await flaky?.close();
  });

  it('shortens the timeout of a call that carries x-bento-deadline-ms: 504 and ctx.signal aborts', async () => {
    const { status, json } = await postJson(`${flaky!.url}/waitForAbort`, { key: 'direct' }, { 'x-bento-deadline-ms': '300' });
    expect(status).toBe(504);
    expect(json.error).toMatchObject({ code: 'timeout', message: 'waitForAbort did not finish within the 0.3s its caller had left (x-bento-deadline-ms)' });
    await until(() => seen.aborts.has('direct'), "the method's signal to abort");
    expect(seen.aborts.get('direct')).toBe(json.error.message);
  });

  it('refuses a malformed deadline (400 naming the header) and one with no time left (504), before the method runs', async () => {
    for (const value of ['soon', '-5', '1.5', '99999999999']) {
      const { status, json } = await postJson(`${flaky!.url}/work`, { key: 'bad-deadline' }, { 'x-bento-deadline-ms': value });
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('x-bento-deadline-ms must be one whole number of milliseconds') });
    }
    const none = await postJson(`${flaky!.url}/work`, { key: 'bad-deadline' }, { 'x-bento-deadline-ms': '0' });
    expect(none.status).toBe(504);
    expect(none.headers.get('x-bento-not-started')).toBe('1');
    expect(seen.runs.get('bad-deadline')).toBeUndefined();
  });

  it('travels down a chain, each hop with less time left, and stops the last callee at the head’s timeout', async () => {
    const { status, json } = await postJson(`${head!.url}/relay`, { key: 'chain' });
    expect(status).toBe(504);
    expect(json.error.code).toBe('timeout');
    // Flaky's own timeout is 60 s: only the deadline that travelled with the call can have stopped it.
    await until(() => seen.aborts.has('chain'), "the last callee's signal to abort");
    const atMiddle = Number(seen.deadlineHeaders.get('chain:middle'));
    const atLeaf = Number(seen.deadlineHeaders.get('chain'));
    expect(atMiddle).toBeGreaterThan(0);
    expect(atMiddle).toBeLessThanOrEqual(2000);
    expect(atLeaf).toBeGreaterThan(0);
    expect(atLeaf).toBeLessThan(atMiddle);
  });
});

describe('a call with its deadline at hand', () => {
  let flaky: Running | undefined;
  let caller: Running | undefined;
  afterAll(async () => {
    await caller?.close();
    await flaky?.close();
  });

  it('stops the callee when the caller runs out of time, though the caller did not pass its signal on', async () => {
    flaky = await serveForTest(Flaky, { internalToken: token });
    caller = await serveForTest(Caller, { internalToken: token, serviceMap: { Flaky: flaky.url } });
    const { status } = await postJson(`${caller.url}/waitForAbort`, { key: 'two-seconds' });
    expect(status).toBe(504);
    await until(() => seen.aborts.has('two-seconds'), "the callee's signal to abort");
    const header = Number(seen.deadlineHeaders.get('two-seconds'));
    expect(header).toBeGreaterThan(0);
    expect(header).toBeLessThanOrEqual(2000);
  });

  it('is not sent once the deadline has passed: 504 naming the dependency at once', async () => {
    const { status } = await postJson(`${caller!.url}/late`, { key: 'too-late' });
    expect(status).toBe(504);
    await until(() => seen.callerErrors.has('too-late'), "the late call's error");
    expect(seen.callerErrors.get('too-late')).toEqual({ status: 504, code: 'timeout', message: "No time left to call Flaky.work: the request's deadline has passed" });
    expect(seen.runs.get('too-late')).toBeUndefined();
  });
});

describe('retries against a dependency that is down', () => {
  let caller: Running | undefined;
  afterEach(async () => {
    await caller?.close();
    caller = undefined;
  });

  it('stop at the deadline: the caller answers the last error within its timeout, not a 504', async () => {
    caller = await serveForTest(HastyCaller, { internalToken: token, serviceMap: { Flaky: await unusedUrl() } });
    const { status, json } = await postJson(`${caller.url}/work`, { key: 'hasty' });
    expect(status).toBe(503);
    expect(json.error.message).toMatch(/^Service Flaky is unavailable \(ECONNREFUSED\)$/);
    // Ten tries were allowed; the deadline (1 s) ended them well before, with backoffs of up to 1, 2, 4… s.
    expect(retriesOf(caller, 'work').length).toBeLessThan(9);
  });

  it('are three tries by default', async () => {
    caller = await serveForTest(Caller, { internalToken: token, serviceMap: { Flaky: await unusedUrl() } });
    const { status } = await postJson(`${caller.url}/work`, { key: 'default' });
    expect(status).toBe(503);
    expect(retriesOf(caller, 'work').map((line) => line.attempt)).toEqual([1, 2]);
    const { samples, types } = parsePrometheus(await (await fetch(`${caller.url}/metrics`)).text());
    expect(types.get('bento_dependency_retries_total')).toBe('counter');
    expect(samples.filter((sample) => sample.name === 'bento_dependency_retries_total')).toEqual([
      { name: 'bento_dependency_retries_total', labels: { service_name: 'Caller', dependency: 'Flaky', method: 'work', kind: 'not_started' }, value: 2 },
    ]);
  });

  it('are off with retry: false', async () => {
    caller = await serveForTest(OneShotCaller, { internalToken: token, serviceMap: { Flaky: await unusedUrl() } });
    const { status, json } = await postJson(`${caller.url}/work`, { key: 'one-shot' });
    expect(status).toBe(503);
    expect(json.error.message).toMatch(/^Service Flaky is unavailable \(\w+\)$/);
    expect(retriesOf(caller, 'work')).toEqual([]);
  });
});
