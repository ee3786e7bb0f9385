// Adaptive batching over real HTTP: calls to a batchable API, from clients and from other services'
// depends(), are merged into fewer calls of the method, and every caller gets its own rows back.
// To make the merging certain rather than likely, a test holds the method's first batch until all
// its calls have arrived (they queue behind it), then lets it go: no timing is assumed.
import { randomBytes } from 'node:crypto';
import { batching, Doubler, DoublerCaller } from './fixtures/batching';
import { validateOpenApi } from './helpers/openapi';
import { find, parsePrometheus, promtoolCheck } from './helpers/prometheus';
import { expectErrorShape, postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

/** Requests to `endpoint` that `running` is handling now, from its own metrics. */
async function inProgress(running: Running, endpoint: string): Promise<number> {
  const { samples } = parsePrometheus(await running.server.metrics.render());
  return find(samples, 'bento_service_request_in_progress', { endpoint })[0]?.value ?? 0;
}

/** Holds every call of the fixture's methods until the returned function is called. */
function holdBatches(): () => void {
  let release!: () => void;
  batching.hold = new Promise<void>((resolve) => (release = resolve));
  return () => {
    batching.hold = undefined;
    release();
  };
}

/** Waits until `running` handles `count` requests to `endpoint` at once. */
async function untilInProgress(running: Running, endpoint: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await inProgress(running, endpoint)) < count) {
    if (Date.now() > deadline) throw new Error(`${endpoint} never had ${count} requests in progress (has ${await inProgress(running, endpoint)})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** 64 distinct inputs of two rows each; none holds 13, the row the fixture refuses. */
const INPUTS = Array.from({ length: 64 }, (_, i) => [10 * i + 1, 10 * i + 2]);

function expectFewerLargerBatches(): void {
  expect(batching.doubled.length).toBeLessThan(INPUTS.length);
  expect(Math.max(...batching.doubled.map((batch) => batch.length))).toBeGreaterThan(2);
  // Every row reached the method exactly once.
  expect(batching.doubled.flat().sort((a, b) => a - b)).toEqual(INPUTS.flat().sort((a, b) => a - b));
}

describe('a batchable API over HTTP', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Doubler);
  });
  afterAll(() => running?.close());
  beforeEach(() => batching.reset());

  it('merges 64 concurrent calls into fewer, larger batches; each caller gets exactly its own rows; /metrics has the batch sizes', async () => {
    const release = holdBatches();
    const answers = INPUTS.map((rows) => postJson(`${running.url}/double`, rows));
    await untilInProgress(running, '/double', INPUTS.length);
    release();
    const results = await Promise.all(answers);
    results.forEach((result, i) => {
      expect(result.status).toBe(200);
      expect(result.json).toEqual(INPUTS[i]!.map((x) => x * 2));
    });
    expectFewerLargerBatches();

    const text = await (await fetch(`${running.url}/metrics`)).text();
    const { samples, types } = parsePrometheus(text);
    expect(types.get('bento_service_batch_size')).toBe('histogram');
    const labels = { endpoint: '/double', service_name: 'Doubler' };
    expect(find(samples, 'bento_service_batch_size_count', labels).map((s) => s.value)).toEqual([batching.doubled.length]);
    expect(find(samples, 'bento_service_batch_size_sum', labels).map((s) => s.value)).toEqual([INPUTS.flat().length]);
    const largest = Math.max(...batching.doubled.map((batch) => batch.length));
    const atMost64 = find(samples, 'bento_service_batch_size_bucket', { ...labels, le: '64' })[0]!.value;
    expect(atMost64).toBe(batching.doubled.filter((batch) => batch.length <= 64).length);
    expect(largest).toBeLessThanOrEqual(64);
    expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' });
  });

  it('answers a malformed input 400 on its own, while the calls beside it succeed', async () => {
    const release = holdBatches();
    const first = postJson(`${running.url}/double`, [0]);
    const good = [[1], [2, 3], [4]].map((rows) => postJson(`${running.url}/double`, rows));
    const bad = postJson(`${running.url}/double`, [5, 'six']);
    const notABatch = postJson(`${running.url}/double`, { rows: [7] });
    await untilInProgress(running, '/double', 4);
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
    const release = holdBatches();
    const first = postJson(`${running.url}/double`, [0]);
    await untilInProgress(running, '/double', 1);
    const answers = [[1], [13], [2]].map((rows) => postJson(`${running.url}/double`, rows));
    await untilInProgress(running, '/double', 4);
    release();
    expect((await first).status).toBe(200);
    const [one, thirteen, two] = await Promise.all(answers);
    expect([one!.status, one!.json]).toEqual([200, [2]]);
    expect([two!.status, two!.json]).toEqual([200, [4]]);
    expect(thirteen!.status).toBe(500);
    expectErrorShape(thirteen!.json, 'internal_error');
    // The merged call saw all three rows; then each ran alone.
    expect(batching.doubled).toContainEqual(expect.arrayContaining([1, 13, 2]));
    expect(batching.doubled.slice(-3).sort()).toEqual([[1], [13], [2]].sort());
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
    const release = holdBatches();
    const answers = INPUTS.map((rows) => postJson(`${caller.url}/viaDepends`, { rows }));
    await untilInProgress(doubler, '/_bento/call/double', INPUTS.length);
    release();
    const results = await Promise.all(answers);
    results.forEach((result, i) => {
      expect(result.status).toBe(200);
      expect(result.json).toEqual(INPUTS[i]!.map((x) => x * 2));
    });
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
    const release = holdBatches();
    const answers = INPUTS.map((rows) => postJson(`${caller.url}/viaDepends`, { rows }));
    await untilInProgress(caller, '/viaDepends', INPUTS.length);
    release();
    const results = await Promise.all(answers);
    results.forEach((result, i) => {
      expect(result.status).toBe(200);
      expect(result.json).toEqual(INPUTS[i]!.map((x) => x * 2));
    });
    expectFewerLargerBatches();
  });
});
