import { InternalError, ServiceUnavailableError, ValidationError } from '../../errors';
import type { ApiContext } from '../../sdk/api-context';
import type { BatchingOptions } from '../../sdk/batching-options';
import { callContext } from '../../sdk/call-context';
import { BatchDispatcher } from './dispatcher';
import { BatchResultError } from './split';

const OPTIONS: BatchingOptions = { batch_dim: 0, max_batch_size: 100, max_latency_ms: 10_000 };
const NEVER = new AbortController().signal;

function ctx(requestId: string, signal: AbortSignal = NEVER): ApiContext {
  return { requestId, signal, headers: {}, response: { headers: new Headers() } };
}

/** A promise the test opens when it wants: the method waits on it to keep a batch running. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A method that doubles every row and records what it received. While `hold` is set, each call
 * waits on it, so the test decides when a batch ends and which calls queue meanwhile.
 */
function doubler() {
  const calls: unknown[] = [];
  const state: { hold?: Promise<void> } = {};
  const method = async (input: unknown) => {
    calls.push(input);
    if (state.hold) await state.hold;
    const rows = input as number[];
    if (rows.includes(13)) throw new ValidationError('13 is not a row this method takes');
    return rows.map((x) => x * 2);
  };
  return { calls, state, method };
}

describe('BatchDispatcher', () => {
  it('merges the calls that arrive while a batch runs into the next batch; each caller gets its own rows', async () => {
    const { calls, state, method } = doubler();
    const batches: number[] = [];
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: OPTIONS, method, onBatch: (rows) => batches.push(rows) });
    const held = gate();
    state.hold = held.opened;
    const first = dispatcher.submit([0], ctx('r0'));
    await until(() => calls.length === 1, 'the first batch');
    const inputs = Array.from({ length: 20 }, (_, i) => Array.from({ length: (i % 3) + 1 }, (_, j) => 100 * (i + 1) + j));
    const later = inputs.map((rows, i) => dispatcher.submit(rows, ctx(`r${i + 1}`)));
    held.open();
    expect(await first).toEqual([0]);
    expect(await Promise.all(later)).toEqual(inputs.map((rows) => rows.map((x) => x * 2)));
    expect(calls).toEqual([[0], inputs.flat()]);
    expect(batches).toEqual([1, inputs.flat().length]);
  });

  it('sends no more than max_batch_size rows per call, in the order the calls came', async () => {
    const { calls, state, method } = doubler();
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: { ...OPTIONS, max_batch_size: 4 }, method });
    const held = gate();
    state.hold = held.opened;
    const first = dispatcher.submit([0], ctx('r0'));
    await until(() => calls.length === 1, 'the first batch');
    const later = Array.from({ length: 10 }, (_, i) => dispatcher.submit([i + 1], ctx(`r${i + 1}`)));
    held.open();
    await Promise.all([first, ...later]);
    expect(calls).toEqual([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
  });

  it('runs the calls of a failed batch again one by one: only the bad input fails', async () => {
    const { calls, method } = doubler();
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: OPTIONS, method });
    const results = await Promise.allSettled([dispatcher.submit([1], ctx('a')), dispatcher.submit([13, 14], ctx('b')), dispatcher.submit([2], ctx('c'))]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: [2] });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ status: 400, message: '13 is not a row this method takes' }) });
    expect(results[2]).toEqual({ status: 'fulfilled', value: [4] });
    expect(calls).toEqual([[1, 13, 14, 2], [1], [13, 14], [2]]);
  });

  it('fails every call of a batch whose result has not one row per input row, with a 500 saying why', async () => {
    const dispatcher = new BatchDispatcher({ api: 'S.short', batching: OPTIONS, method: (rows) => (rows as number[]).slice(1) });
    const results = await Promise.allSettled([dispatcher.submit([1], ctx('a')), dispatcher.submit([2], ctx('b'))]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as InternalError;
      expect(error).toBeInstanceOf(InternalError);
      expect(error.message).toBe('Internal server error');
      expect(error.cause).toBeInstanceOf(BatchResultError);
      expect((error.cause as Error).message).toBe('Batchable API S.short returned an array of length 1 for a batch of 2 rows (the calls merged had 1 + 1)');
    }
  });

  it('refuses an input that is no batch at once, before it joins the queue', async () => {
    const { calls, method } = doubler();
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: OPTIONS, method });
    const good = dispatcher.submit([1], ctx('a'));
    expect(() => dispatcher.submit({ not: 'a batch' }, ctx('b'))).toThrow(ValidationError);
    expect(await good).toEqual([2]);
    expect(calls).toEqual([[1]]);
  });

  it('drops a call whose caller aborted before its batch went out', async () => {
    const { calls, method } = doubler();
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: OPTIONS, method });
    const leaving = new AbortController();
    const left = dispatcher.submit([1], ctx('a', leaving.signal));
    const stays = dispatcher.submit([2], ctx('b'));
    leaving.abort(new Error('client closed the connection'));
    await expect(left).rejects.toThrow('client closed the connection');
    expect(await stays).toEqual([4]);
    expect(calls).toEqual([[2]]);
  });

  it('answers 503 to a call that waited in the queue past its max_latency_ms', async () => {
    const { calls, state, method } = doubler();
    const dispatcher = new BatchDispatcher({ api: 'S.double', batching: { ...OPTIONS, max_latency_ms: 30 }, method });
    const held = gate();
    state.hold = held.opened;
    const first = dispatcher.submit([1], ctx('a'));
    await until(() => calls.length === 1, 'the first batch');
    const queued = dispatcher.submit([2], ctx('b'));
    // The first batch runs until the queued call is answered: that answer cannot come from a batch.
    const error = await queued.catch((e: unknown) => e);
    held.open();
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toBe('S.double could not answer within its max_latency_ms of 30 ms: it waited that long in the batch queue; retry later');
    expect(await first).toEqual([2]);
    expect(calls).toEqual([[1]]);
  });

  it('merges only calls whose other fields are equal, with a batch_field', async () => {
    const calls: unknown[] = [];
    const method = async (input: unknown) => {
      calls.push(input);
      const { x, scale } = input as { x: number[]; scale: number };
      return x.map((v) => v * scale);
    };
    const dispatcher = new BatchDispatcher({ api: 'S.scale', batching: { ...OPTIONS, batch_field: 'x' }, method });
    const results = await Promise.all([
      dispatcher.submit({ x: [1], scale: 2 }, ctx('a')),
      dispatcher.submit({ x: [2], scale: 3 }, ctx('b')),
      dispatcher.submit({ x: [3, 4], scale: 2 }, ctx('c')),
    ]);
    expect(results).toEqual([[2], [6], [6, 8]]);
    expect(calls).toEqual([{ x: [1, 3, 4], scale: 2 }, { x: [2], scale: 3 }]);
  });

  it("gives the merged call a signal that aborts once every caller left, and the first caller's request context", async () => {
    const seen: { signal?: AbortSignal; requestId?: string; store?: unknown } = {};
    const held = gate();
    const method = async (input: unknown, context: ApiContext) => {
      seen.signal = context.signal;
      seen.requestId = context.requestId;
      seen.store = callContext.getStore();
      await held.opened;
      return input;
    };
    const dispatcher = new BatchDispatcher({ api: 'S.same', batching: OPTIONS, method });
    const a = new AbortController();
    const b = new AbortController();
    const store = { requestId: 'first', trace: { traceId: '0'.repeat(32), spanId: '0'.repeat(16), flags: '01' } };
    const results = callContext.run(store as never, () => [dispatcher.submit([1], ctx('first', a.signal)), dispatcher.submit([2], ctx('second', b.signal))]);
    await until(() => seen.signal !== undefined, 'the batch');
    expect(seen.requestId).toBe('first');
    expect(seen.store).toBe(store);
    a.abort();
    expect(seen.signal!.aborted).toBe(false);
    b.abort();
    expect(seen.signal!.aborted).toBe(true);
    held.open();
    expect(await Promise.all(results)).toEqual([[1], [2]]);
  });
});
