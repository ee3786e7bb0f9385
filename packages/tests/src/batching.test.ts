// Adaptive batching over real HTTP: calls to a batchable API, from clients and from other services'
// depends(), are merged into fewer calls of the method, and every caller gets its own rows back.
// To make the merging certain rather than likely, a test holds the method's first batch until its
// other calls wait in the queue (the queue gauge of /metrics says so), then lets it go: no timing
// is assumed.
import { randomBytes } from 'node:crypto';
import { batching, Doubler, DoublerCaller } from './fixtures/batching';
import { validateOpenApi } from './helpers/openapi';
import { find, parsePrometheus, promtoolCheck } from './helpers/prometheus';
import { expectErrorShape, postJson, serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

/** The value of gauge `name` for `endpoint` in `running`'s own metrics. */
async function gauge(running: Running, name: string, endpoint: string): Promise<number> {
  const { samples } = parsePrometheus(await running.server.metrics.render());
  return find(samples, name, { endpoint })[0]?.value ?? 0;
}

/**
 * Holds the method in a first batch of one call (POSTed as `body` to `url`) until `release()`:
 * the calls sent meanwhile queue behind it. Resolves once that batch runs.
 */
async function holdFirstBatch(url: string, body: unknown): Promise<{ release: () => void; first: ReturnType<typeof postJson> }> {
  let open!: () => void;
  batching.hold = new Promise<void>((resolve) => (open = resolve));
  const first = postJson(url, body);
  await until(() => batching.doubled.length === 1, 'the first batch');
  const release = () => {
    batching.hold = undefined;
    open();
  };
  return { release, first };
}

/** Waits until gauge `name` of `endpoint` in `running` reaches `count`. */
async function untilGauge(running: Running, name: string, endpoint: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await gauge(running, name, endpoint)) < count) {
    if (Date.now() > deadline) throw new Error(`${name} of ${endpoint} never reached ${count} (is ${await gauge(running, name, endpoint)})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `count` calls of the batchable API at `endpoint` wait in its queue. */
const untilQueued = (running: Running, endpoint: string, count: number) => untilGauge(running, 'bento_service_batch_queue_size', endpoint, count);
/** Waits until `running` handles `count` requests to `endpoint` at once. */
const untilInProgress = (running: Running, endpoint: string, count: number) => untilGauge(running, 'bento_service_request_in_progress', endpoint, count);

/** 64 distinct inputs of two rows each; none holds 13, the row the fixture refuses. */
const INPUTS = Array.from({ length: 64 }, (_, i) => [10 * i + 1, 10 * i + 2]);

/**
 * Holds the method on a first call of one row, sends the 64 INPUTS behind it (`body` wraps each
 * call's rows), waits with `untilWaiting` until they all wait, releases, and checks every caller
 * got its own rows doubled.
 */
async function sendInputsBehindAHeldBatch(url: string, body: (rows: number[]) => unknown, untilWaiting: () => Promise<void>): Promise<void> {
  const { release, first } = await holdFirstBatch(url, body([0]));
  const answers = INPUTS.map((rows) => postJson(url, body(rows)));
  await untilWaiting();
  release();
  expect((await first).json).toEqual([0]);
  const results = await Promise.all(answers);
  results.forEach((result, i) => {
    expect(result.status).toBe(200);
    expect(result.json).toEqual(INPUTS[i]!.map((x) => x * 2));
  });
}

/** The batches of INPUTS (after the held first one) were fewer and larger than the calls. */
function expectFewerLargerBatches(): void {
  const batches = batching.doubled.slice(1);
  expect(batches.length).toBeLessThan(INPUTS.length);
  expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThan(2);
  // Every row reached the method exactly once.
  expect(batches.flat().sort((a, b) => a - b)).toEqual(INPUTS.flat().sort((a, b) => a - b));
}

describe('a batchable API over HTTP', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Doubler);
  });
  afterAll(() => running?.close());
  beforeEach(() => batching.reset());

  it('merges 64 concurrent calls into fewer, larger batches; each caller gets exactly its own rows; /metrics has the batch sizes', async () => {
    await sendInputsBehindAHeldBatch(`${running.url}/double`, (rows) => rows, () => untilQueued(running, '/double', INPUTS.length));
    expectFewerLargerBatches();

    const text = await (await fetch(`${running.url}/metrics`)).text();
    const { samples, types } = parsePrometheus(text);
    expect(types.get('bento_service_batch_size')).toBe('histogram');
    const labels = { endpoint: '/double', service_name: 'Doubler' };
    expect(find(samples, 'bento_service_batch_size_count', labels).map((s) => s.value)).toEqual([batching.doubled.length]);
    expect(find(samples, 'bento_service_batch_size_sum', labels).map((s) => s.value)).toEqual([1 + INPUTS.flat().length]);
    expect(find(samples, 'bento_service_batch_queue_size', labels).map((s) => s.value)).toEqual([0]);
    const largest = Math.max(...batching.doubled.map((batch) => batch.length));
    const atMost64 = find(samples, 'bento_service_batch_size_bucket', { ...labels, le: '64' })[0]!.value;
    expect(atMost64).toBe(batching.doubled.filter((batch) => batch.length <= 64).length);
    expect(largest).toBeLessThanOrEqual(64);
    expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' });
  });

  it('answers a malformed input 400 on its own, while the calls beside it succeed', async () => {
    const { release, first } = await holdFirstBatch(`${running.url}/double`, [0]);
    const good = [[1], [2, 3], [4]].map((rows) => postJson(`${running.url}/double`, rows));
    const bad = postJson(`${running.url}/double`, [5, 'six']);
    const notABatch = postJson(`${running.url}/double`, { rows: [7] });
    await untilQueued(running, '/double', 3);
    release();
    expect((await first).json).toEqual([0]);
    for (const [i, answer] of (await Promise.all(good)).entries()) {
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual([[2], [4, 6], [8]][i]);
    }
    const badAnswer = await bad;
    expect(badAnswer.status).toBe(400);
    expect(expectErrorShape(badAnswer.json, 'validation_error').details).toEqual([expect.objectContaining({ path: '1' })]);
    expect((await notABatch).status).toBe(400);
    expect(batching.doubled.flat()).not.toContain(5);
  });

  it('fails only the caller whose row makes the merged call throw: the batch runs again call by call', async () => {
    const { release, first } = await holdFirstBatch(`${running.url}/double`, [0]);
    const answers = [[1], [13], [2]].map((rows) => postJson(`${running.url}/double`, rows));
    await untilQueued(running, '/double', 3);
    release();
    expect((await first).status).toBe(200);
    const [one, thirteen, two] = await Promise.all(answers);
    expect([one!.status, one!.json]).toEqual([200, [2]]);
    expect([two!.status, two!.json]).toEqual([200, [4]]);
    expect(thirteen!.status).toBe(500);
    expectErrorShape(thirteen!.json, 'internal_error');
    // The merged call saw all three rows; then each ran alone.
    const [, merged, ...alone] = batching.doubled;
    expect([...merged!].sort((a, b) => a - b)).toEqual([1, 2, 13]);
    expect(alone).toEqual(merged!.map((row) => [row]));
  });

  it('answers 500 to every caller of a batch whose result lost a row, and logs why', async () => {
    const answers = await Promise.all([[1, 2], [3]].map((rows) => postJson(`${running.url}/lossy`, rows)));
    for (const answer of answers) {
      expect(answer.status).toBe(500);
      expectErrorShape(answer.json, 'internal_error');
    }
    const logged = running.logs().filter((line) => line.msg === 'lossy failed');
    expect(logged.length).toBe(2);
    expect((logged[0]!.err as { message: string }).message).toMatch(/^Batchable API Doubler\.lossy returned an array of length \d for a batch of \d rows/);
  });

  it('batches a Tensor field and splits the Tensor result; calls with other factors stay apart', async () => {
    const calls = [
      { x: [[1, 2]], factor: 2 },
      { x: [[3, 4], [5, 6]], factor: 2 },
      { x: [[7, 8]], factor: 10 },
    ];
    const answers = await Promise.all(calls.map((input) => postJson(`${running.url}/scale`, input)));
    answers.forEach((answer, i) => {
      const { x, factor } = calls[i]!;
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ dtype: 'float32', shape: [x.length, 2], data: x.flat().map((v) => v * factor) });
    });
    // Whatever merged, a batch never mixed factors, and every row went through once.
    for (const { x, factor } of batching.scaled) expect(factor === 2 || Array.from(x.data).every((v) => v === 7 || v === 8)).toBe(true);
    expect(batching.scaled.reduce((rows, { x }) => rows + x.shape[0]!, 0)).toBe(4);
  });

  it('says in /docs.json which APIs are batchable, in a valid document', async () => {
    const doc = (await (await fetch(`${running.url}/docs.json`)).json()) as { paths: Record<string, { post: Record<string, unknown> }> };
    expect(doc.paths['/double']!.post['x-bento-batchable']).toEqual({ batch_dim: 0, max_batch_size: 64, max_latency_ms: 10_000 });
    expect(doc.paths['/scale']!.post['x-bento-batchable']).toEqual({ batch_dim: 0, max_batch_size: 100, max_latency_ms: 10_000, batch_field: 'x' });
    expect(validateOpenApi(doc).valid).toBe(true);
  });
});

describe('batching the calls of depends() on a service served by another server', () => {
  const token = randomBytes(16).toString('hex');
  let doubler: Running;
  let caller: Running;
  beforeAll(async () => {
    doubler = await serveForTest(Doubler, { internalToken: token });
    caller = await serveForTest(DoublerCaller, { internalToken: token, serviceMap: { Doubler: doubler.url } });
  });
  afterAll(async () => {
    await caller?.close();
    await doubler?.close();
  });
  beforeEach(() => batching.reset());

  it('merges 64 concurrent remote calls into fewer, larger batches', async () => {
    // The internal route's calls queue under the API's route.
    await sendInputsBehindAHeldBatch(`${caller.url}/viaDepends`, (rows) => ({ rows }), () => untilQueued(doubler, '/double', INPUTS.length));
    expectFewerLargerBatches();
    const { samples } = parsePrometheus(await (await fetch(`${doubler.url}/metrics`)).text());
    expect(find(samples, 'bento_service_batch_size_count', { endpoint: '/double' }).map((s) => s.value)).toEqual([batching.doubled.length]);
  });
});

describe('batching the calls of depends() on a service in the same process', () => {
  let caller: Running;
  beforeAll(async () => {
    caller = await serveForTest(DoublerCaller);
  });
  afterAll(() => caller?.close());
  beforeEach(() => batching.reset());

  it('merges 64 concurrent in-process calls into fewer, larger batches', async () => {
    // An in-process dependency has no server, so no queue gauge: its callers' requests are counted instead.
    await sendInputsBehindAHeldBatch(`${caller.url}/viaDepends`, (rows) => ({ rows }), () => untilInProgress(caller, '/viaDepends', 1 + INPUTS.length));
    expectFewerLargerBatches();
  });
});
