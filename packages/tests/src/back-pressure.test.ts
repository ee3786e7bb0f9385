import { request, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { holds, Queued, QueuedBriefly } from './fixtures/queued';
import { BENTO_BIN, isRunning, killStragglers, runBento, type Cli } from './helpers/cli';
import { HoldServer } from './helpers/holds';
import { once, poolReady } from './helpers/pool';
import { find, parsePrometheus } from './helpers/prometheus';
import { expectErrorShape, serveForTest } from './helpers/server';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * A call of `hold` on a connection of its own (so that, in a worker pool, any worker may take it),
 * which the test may abandon: `leave()` closes the connection like a client that gave up.
 */
function call(url: string, name: string): { answer: Promise<Answer>; leave: () => void } {
  const req = request(`${url}/hold`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.end(JSON.stringify({ name }));
  return { answer, leave: () => req.destroy() };
}

/** The service's admission gauges, as its /metrics shows them now (every worker's, summed). */
async function gauges(url: string, service: string): Promise<{ inFlight: number[]; queued: number[] }> {
  const { status, text } = await once(`${url}/metrics`, 'GET');
  expect(status).toBe(200);
  const { samples } = parsePrometheus(text);
  const values = (name: string) => find(samples, name, { service_name: service }).map((s) => s.value);
  return { inFlight: values('bento_service_requests_in_flight'), queued: values('bento_service_queue_length') };
}

/** Scrapes until the queue holds `length` requests: how the test knows a request is waiting. */
async function queueReaches(url: string, service: string, length: number): Promise<void> {
  for (;;) {
    if ((await gauges(url, service)).queued[0] === length) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectTooManyRequests(answer: Answer, message: string): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['retry-after']).toBe('1');
  expect(expectErrorShape(answer.json, 'too_many_requests').message).toBe(message);
}

describe('external_queue in one process: Queued (max_concurrency 1, max_queue_size 2)', () => {
  let running: Awaited<ReturnType<typeof serveForTest>>;
  beforeAll(async () => {
    running = await serveForTest(Queued, { drainSeconds: 60 });
  });
  afterAll(async () => {
    holds.releaseAll();
    await running.close();
  });

  it('runs waiting requests oldest first, refuses one over a full queue, and frees the place of a client that left', async () => {
    const first = call(running.url, 'first');
    expect(await holds.nextStart()).toBe('first');
    const waiting = [call(running.url, 'w1')];
    await queueReaches(running.url, 'Queued', 1);
    const leaving = call(running.url, 'leaving');
    await queueReaches(running.url, 'Queued', 2);
    expect(await gauges(running.url, 'Queued')).toEqual({ inFlight: [1], queued: [2] });

    expectTooManyRequests(await call(running.url, 'full').answer, 'Service Queued is at its max_concurrency of 1 and its queue of 2 requests is full; retry later');

    leaving.leave();
    await expect(leaving.answer).rejects.toThrow();
    await queueReaches(running.url, 'Queued', 1);
    waiting.push(call(running.url, 'w2'));
    await queueReaches(running.url, 'Queued', 2);

    holds.release('first');
    expect((await first.answer).json).toEqual({ name: 'first' });
    expect(await holds.nextStart()).toBe('w1');
    holds.release('w1');
    expect(await holds.nextStart()).toBe('w2');
    holds.release('w2');
    expect((await Promise.all(waiting.map((w) => w.answer))).map((a) => a.json)).toEqual([{ name: 'w1' }, { name: 'w2' }]);
    expect(holds.started).toEqual(['first', 'w1', 'w2']);
    expect(await gauges(running.url, 'Queued')).toEqual({ inFlight: [0], queued: [0] });
  });

  it('answers 503 to requests still waiting when the service drains, and lets the running one finish', async () => {
    const runningCall = call(running.url, 'draining');
    expect(await holds.nextStart()).toBe('draining');
    const waiting = call(running.url, 'never');
    await queueReaches(running.url, 'Queued', 1);
    const closed = running.close();
    const refused = await waiting.answer;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(expectErrorShape(refused.json, 'service_unavailable').message).toBe('Service Queued is shutting down; this request waited in its queue and did not run');
    holds.release('draining');
    expect((await runningCall.answer).status).toBe(200);
    await closed;
    expect(holds.started).not.toContain('never');
  });
});

describe('external_queue in one process: QueuedBriefly (traffic.timeout 1 s)', () => {
  it('answers 504 to a request whose timeout runs out while it waits, and never runs it', async () => {
    const running = await serveForTest(QueuedBriefly);
    try {
      const first = call(running.url, 'slow');
      expect(await holds.nextStart()).toBe('slow');
      const queued = await call(running.url, 'late').answer;
      expect(queued.status).toBe(504);
      const error = expectErrorShape(queued.json, 'timeout');
      expect(error.details).toEqual({ timeout_seconds: 1, queued: true });
      expect(error.message).toBe('hold waited for a slot (max_concurrency 1) for the whole 1s traffic.timeout of QueuedBriefly; it did not run');
      // The running call timed out too, but its method still holds the slot until it returns.
      expect((await first.answer).status).toBe(504);
      expect(await gauges(running.url, 'QueuedBriefly')).toEqual({ inFlight: [1], queued: [0] });
      holds.release('slow');
      const next = call(running.url, 'next');
      expect(await holds.nextStart()).toBe('next');
      holds.release('next');
      expect((await next.answer).status).toBe(200);
      expect(holds.started).not.toContain('late');
    } finally {
      holds.releaseAll();
      await running.close();
    }
  });
});

describe('max_concurrency across the two workers of `bento serve`: Gated (max_concurrency 2)', () => {
  const fixtures = path.join(__dirname, 'fixtures');
  let control: HoldServer;
  let cli: Cli | undefined;

  /** `bento serve` of Gated with its 2 workers; `traffic` overrides the service's own. */
  async function serveGated(traffic: Record<string, unknown> = {}): Promise<{ url: string; pids: number[] }> {
    cli = runBento(['serve', 'gated.ts:Gated', '--standalone', '--port', '0', '--host', '127.0.0.1'], {
      cwd: fixtures,
      env: { CONTROL_URL: await control.listen(), BENTO_CONFIG_OVERRIDES: JSON.stringify({ Gated: { traffic } }) },
    });
    return poolReady(cli);
  }

  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
  });
  beforeEach(() => {
    control = new HoldServer();
  });
  afterEach(async () => {
    await control.close();
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
    cli = undefined;
    killStragglers();
  });

  it('runs 2 requests at once in the whole service, one in each worker, and answers the others 429 with Retry-After', async () => {
    const { url, pids } = await serveGated();
    const { holds } = control;
    // Hold one request in each worker: then a per-worker limit of 2 would let two more in.
    const first = call(url, 'first');
    expect(await holds.nextStart()).toBe('first');
    let second: { name: string; call: ReturnType<typeof call> } | undefined;
    for (let attempt = 0; !second; attempt++) {
      if (attempt === 1000) throw new Error('1000 connections in a row went to the same worker');
      const name = `second${attempt}`;
      const candidate = call(url, name);
      expect(await holds.nextStart()).toBe(name);
      if (control.pids.get(name) !== control.pids.get('first')) second = { name, call: candidate };
      else {
        holds.release(name);
        expect((await candidate.answer).status).toBe(200);
      }
    }
    expect(new Set(control.pids.values())).toEqual(new Set(pids));
    expect(await gauges(url, 'Gated')).toEqual({ inFlight: [2], queued: [0] });

    const refused = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => call(url, name).answer));
    for (const answer of refused) expectTooManyRequests(answer, 'Service Gated is at its max_concurrency of 2; retry later');

    holds.release('first');
    holds.release(second.name);
    expect((await first.answer).status).toBe(200);
    expect((await second.call.answer).status).toBe(200);
    expect(holds.started.filter((name) => name.startsWith('r'))).toEqual([]);
    // Both slots are free again: two more run.
    const again = [call(url, 'again1'), call(url, 'again2')];
    expect([await holds.nextStart(), await holds.nextStart()].sort()).toEqual(['again1', 'again2']);
    holds.releaseAll();
    expect((await Promise.all(again.map((c) => c.answer))).map((a) => a.status)).toEqual([200, 200]);
  });

  it('with external_queue, queues across workers oldest first, refuses over max_queue_size, and frees the place of a client that left', async () => {
    const { url } = await serveGated({ external_queue: true, max_queue_size: 3 });
    const { holds } = control;
    const runningCalls = [call(url, 'run1'), call(url, 'run2')];
    expect([await holds.nextStart(), await holds.nextStart()].sort()).toEqual(['run1', 'run2']);
    const queued = new Map<string, ReturnType<typeof call>>();
    for (const [place, name] of ['q1', 'q2', 'q3'].entries()) {
      queued.set(name, call(url, name));
      await queueReaches(url, 'Gated', place + 1);
    }
    expect(await gauges(url, 'Gated')).toEqual({ inFlight: [2], queued: [3] });
    expectTooManyRequests(await call(url, 'full').answer, 'Service Gated is at its max_concurrency of 2 and its queue of 3 requests is full; retry later');

    queued.get('q2')!.leave();
    await expect(queued.get('q2')!.answer).rejects.toThrow();
    await queueReaches(url, 'Gated', 2);
    queued.set('late', call(url, 'late'));
    await queueReaches(url, 'Gated', 3);

    // Each freed slot, whichever worker frees it, goes to the oldest waiting request.
    holds.release('run1');
    expect(await holds.nextStart()).toBe('q1');
    holds.release('run2');
    expect(await holds.nextStart()).toBe('q3');
    holds.release('q1');
    expect(await holds.nextStart()).toBe('late');
    holds.releaseAll();
    const answers = await Promise.all([...runningCalls, queued.get('q1')!, queued.get('q3')!, queued.get('late')!].map((c) => c.answer));
    expect(answers.map((a) => a.json.name)).toEqual(['run1', 'run2', 'q1', 'q3', 'late']);
    expect(holds.started).not.toContain('q2');
    expect(await gauges(url, 'Gated')).toEqual({ inFlight: [0], queued: [0] });
  });

  it('with external_queue, answers 504 to a request whose traffic.timeout runs out in the queue, and never runs it', async () => {
    const { url } = await serveGated({ external_queue: true, timeout: 2 });
    const { holds } = control;
    const runningCalls = [call(url, 'run1'), call(url, 'run2')];
    expect([await holds.nextStart(), await holds.nextStart()].sort()).toEqual(['run1', 'run2']);
    const queued = call(url, 'queued');
    await queueReaches(url, 'Gated', 1);
    const answer = await queued.answer;
    expect(answer.status).toBe(504);
    expect(expectErrorShape(answer.json, 'timeout').details).toEqual({ timeout_seconds: 2, queued: true });
    // The running calls timed out too, but hold their slots until their methods return.
    expect((await Promise.all(runningCalls.map((c) => c.answer))).map((a) => a.status)).toEqual([504, 504]);
    expect(await gauges(url, 'Gated')).toEqual({ inFlight: [2], queued: [0] });
    holds.releaseAll();
    const next = call(url, 'next');
    expect(await holds.nextStart()).toBe('next');
    holds.release('next');
    expect((await next.answer).status).toBe(200);
    expect(holds.started).not.toContain('queued');
    const pids = [...new Set(control.pids.values())];
    cli!.child.kill('SIGTERM');
    expect(await cli!.exited).toBe(0);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });
});
