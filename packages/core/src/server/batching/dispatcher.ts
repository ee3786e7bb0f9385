import { performance } from 'node:perf_hooks';
import { InternalError, ServiceUnavailableError } from '../../errors';
import type { ApiContext } from '../../sdk/api-context';
import type { BatchingOptions } from '../../sdk/batching-options';
import { callContext, type CallContext } from '../../sdk/call-context';
import { BatchContext } from './batch-context';
import { readBatchItem, type BatchItem } from './batch-item';
import { ArrivalGap, idleWindowMs } from './batch-window';
import { LatencyModel } from './latency-model';
import { mergeBatch } from './merge';
import { BatchResultError, splitResult } from './split';

/** The API's method, bound to its instance. */
export type BatchedMethod = (input: unknown, ctx: ApiContext) => unknown;

export interface BatchDispatcherOptions {
  /** How the API is named in errors and logs: `Service.method`. */
  api: string;
  batching: BatchingOptions;
  method: BatchedMethod;
  /** Told the rows of every call of the method (the batch-size histogram). */
  onBatch?: (rows: number) => void;
}

/** One caller waiting in the queue. */
interface QueuedCall {
  item: BatchItem;
  requestId: string;
  signal: AbortSignal;
  /** The caller's request context, for the `depends()` calls the method makes. */
  context: CallContext | undefined;
  arrived: number;
  /** `arrived + max_latency_ms`: deadlines grow along the queue, so its head is the most pressed. */
  deadline: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * Merges the concurrent calls of one batchable API into calls of its method, one at a time.
 *
 * While a batch runs, calls that arrive queue and go out together as the next batch (up to
 * `max_batch_size` rows). When the method is idle, the first call waits a window learnt from the
 * method's timing (see batch-window.ts) for others to join. Every call keeps its own deadline,
 * `max_latency_ms` after it arrived: one that waited past it, or that would finish past it in the
 * batch about to run, is answered 503; one whose caller left or timed out is dropped before the
 * batch goes out.
 *
 * When the merged call throws, each of its calls runs again alone, so only a bad input fails (a
 * method should therefore not mind running twice for one input). A result that does not have one
 * row per input row is a bug of the method: its callers get a 500, the log says why.
 */
export class BatchDispatcher {
  private queue: QueuedCall[] = [];
  private queuedRows = 0;
  private running = false;
  private wakeAt = Infinity;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  readonly latency = new LatencyModel();
  private readonly arrivals = new ArrivalGap();

  constructor(private readonly options: BatchDispatcherOptions) {}

  /** Calls waiting for a batch (not those of the batch running). */
  get queuedCalls(): number {
    return this.queue.length;
  }

  /**
   * The result of the method for `input` alone, computed in a batch with other calls. Throws at once
   * (a 400) when `input` is no batch this API can merge.
   */
  submit(input: unknown, ctx: ApiContext): Promise<unknown> {
    const { batching, api } = this.options;
    const item = readBatchItem(input, batching, api);
    const arrived = performance.now();
    this.arrivals.arrived(arrived);
    return new Promise((resolve, reject) => {
      this.queue.push({
        item,
        requestId: ctx.requestId,
        signal: ctx.signal,
        context: callContext.getStore(),
        arrived,
        deadline: arrived + batching.max_latency_ms,
        resolve,
        reject,
      });
      this.queuedRows += item.size;
      this.schedule(false);
    });
  }

  /** Decides when the next batch goes out; `woken`: called from the wake-up timer, free to dispatch now. */
  private schedule(woken: boolean): void {
    if (this.queue.length === 0) return this.cancelWake();
    const now = performance.now();
    // Wake up when the oldest call's time is over, to answer it rather than keep it waiting.
    if (this.running) return this.wake(this.queue[0]!.deadline);
    const { max_batch_size } = this.options.batching;
    let at = now;
    if (this.queuedRows < max_batch_size) {
      const first = this.queue[0]!;
      const budget = first.deadline - now - this.latency.predict(Math.min(this.queuedRows + 1, max_batch_size));
      at = first.arrived + idleWindowMs(this.latency, this.arrivals, budget);
    }
    // Not straight from submit: calls that arrive in the same turn of the event loop join too.
    if (at <= now && woken) this.dispatch(now);
    else this.wake(at);
  }

  private wake(at: number): void {
    if (at >= this.wakeAt) return;
    this.cancelWake();
    this.wakeAt = at;
    const delay = at - performance.now();
    if (delay <= 0) this.immediate = setImmediate(wakeUp, this);
    else this.timer = setTimeout(wakeUp, Math.ceil(delay), this);
  }

  private cancelWake(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    this.wakeAt = Infinity;
  }

  /** @internal The wake-up timer fired. */
  woke(): void {
    this.timer = this.immediate = undefined;
    this.wakeAt = Infinity;
    if (this.running) this.dropUnwanted(performance.now());
    this.schedule(true);
  }

  private dispatch(now: number): void {
    this.dropUnwanted(now);
    if (this.queue.length === 0) return;
    const batch = this.takeBatch(now);
    this.running = true;
    void this.run(batch).finally(() => {
      this.running = false;
      this.schedule(false);
    });
  }

  /** Answers and removes the calls nobody waits for any more, and those out of time. */
  private dropUnwanted(now: number): void {
    const { max_latency_ms } = this.options.batching;
    const kept: QueuedCall[] = [];
    for (const call of this.queue) {
      if (call.signal.aborted) call.reject(call.signal.reason);
      else if (now >= call.deadline) call.reject(this.tooLate(`it waited that long in the batch queue`));
      else {
        // Refused only when the wait ate the time the method needs: when the method alone takes
        // longer than max_latency_ms, refusing every call would also stop the model learning that
        // the method got faster again.
        const needs = this.latency.predict(call.item.size);
        if (this.latency.observed && needs <= max_latency_ms && now + needs > call.deadline) {
          call.reject(this.tooLate(`after its wait in the batch queue, the method (about ${Math.round(needs)} ms for ${call.item.size} rows) would end past it`));
        } else {
          kept.push(call);
          continue;
        }
      }
      this.queuedRows -= call.item.size;
    }
    this.queue = kept;
  }

  private tooLate(why: string): ServiceUnavailableError {
    const { api, batching } = this.options;
    return new ServiceUnavailableError(`${api} could not answer within its max_latency_ms of ${batching.max_latency_ms} ms: ${why}; retry later`, {
      max_latency_ms: batching.max_latency_ms,
    });
  }

  /**
   * The next batch: the oldest call and the calls after it that can join it (same key), up to
   * max_batch_size rows, and no more rows than the method can run before the oldest call's deadline.
   * A call larger than max_batch_size alone goes as a batch of its own.
   */
  private takeBatch(now: number): QueuedCall[] {
    const head = this.queue[0]!;
    let limit = this.options.batching.max_batch_size;
    if (this.latency.observed && this.latency.perRowMs > 0) {
      limit = Math.min(limit, Math.floor((head.deadline - now - this.latency.fixedMs) / this.latency.perRowMs));
    }
    const batch: QueuedCall[] = [head];
    const rest: QueuedCall[] = [];
    let rows = head.item.size;
    let full = false;
    for (let i = 1; i < this.queue.length; i++) {
      const call = this.queue[i]!;
      if (!full && call.item.key === head.item.key) {
        if (rows + call.item.size <= limit) {
          batch.push(call);
          rows += call.item.size;
          continue;
        }
        // Later calls of this key wait for the next batch, in the order they came.
        full = true;
      }
      rest.push(call);
    }
    this.queue = rest;
    this.queuedRows -= rows;
    return batch;
  }

  private async run(calls: QueuedCall[]): Promise<void> {
    try {
      const results = await this.invoke(calls);
      for (let i = 0; i < calls.length; i++) calls[i]!.resolve(results[i]);
    } catch (error) {
      if (error instanceof BatchResultError) {
        const failure = new InternalError('Internal server error', undefined, error);
        for (const call of calls) call.reject(failure);
      } else if (calls.length === 1) {
        calls[0]!.reject(error);
      } else {
        // Which input broke the batch? Each runs alone, so only its own caller gets the error.
        for (const call of calls) await this.runAlone(call);
      }
    }
  }

  private async runAlone(call: QueuedCall): Promise<void> {
    if (call.signal.aborted) return call.reject(call.signal.reason);
    try {
      call.resolve((await this.invoke([call]))[0]);
    } catch (error) {
      call.reject(error instanceof BatchResultError ? new InternalError('Internal server error', undefined, error) : error);
    }
  }

  /** Calls the method once for `calls`, merged, and splits its result: one per call, in order. */
  private async invoke(calls: readonly QueuedCall[]): Promise<unknown[]> {
    const { batching, api, method } = this.options;
    const items = calls.map((call) => call.item);
    const sizes = items.map((item) => item.size);
    let rows = 0;
    for (const size of sizes) rows += size;
    const input = mergeBatch(items, batching);
    const ctx = new BatchContext(calls[0]!.requestId, calls.map((call) => call.signal));
    const context = calls[0]!.context;
    const started = performance.now();
    try {
      const result = await (context ? callContext.run(context, method, input, ctx) : method(input, ctx));
      this.latency.observe(rows, performance.now() - started);
      this.options.onBatch?.(rows);
      return splitResult(result, sizes, batching, api);
    } finally {
      ctx.dispose();
    }
  }
}

function wakeUp(dispatcher: BatchDispatcher): void {
  dispatcher.woke();
}
