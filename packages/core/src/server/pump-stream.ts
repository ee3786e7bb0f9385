import type { ServerResponse } from 'node:http';
import { cutIfStalled, sendTimeoutMs } from './send-timeout';
import type { StreamSink } from './stream-sink';

/** How often an idle stream writes a keep-alive, below common proxies' 30–60 s idle timeouts. */
const KEEP_ALIVE_MS = 15_000;

/** One streaming call as the pump sees it (implemented by the API handler's call). */
export interface StreamingCall {
  readonly res: ServerResponse;
  readonly sink: StreamSink;
  /** True once the call was answered otherwise (its timeout) or its client went away. */
  stopped(): boolean;
  /** Writes the response head; called once, with the first value in hand. */
  open(): void;
  /** Checks each value before it is sent (the API's output schema); may replace it. */
  check(value: unknown): unknown;
  /** Called when the client took nothing for the send timeout and its connection is being cut. */
  stalled(): void;
}

/** The iterator of a generator's result (async, or sync: `for await` takes both). */
export function iteratorOf(result: unknown): AsyncIterator<unknown> | Iterator<unknown> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const iterable = result as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  return iterable[Symbol.asyncIterator]?.() ?? iterable[Symbol.iterator]?.();
}

/**
 * Resolves when `res` can take more (or is gone, so that the caller sees it stopped). A client
 * that takes nothing for the send timeout meanwhile has its connection cut (see send-timeout.ts):
 * a stream must not hold its generator and slot for a reader that stalled.
 */
function drained(res: ServerResponse, onStalled: () => void): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const disarm = cutIfStalled(res, sendTimeoutMs(), onStalled);
    const done = () => {
      disarm();
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Runs a generator into a response. The first value is asked for before the head is written, so a
 * generator that fails before it yields (bad input it checks itself, a missing model) is answered
 * with its own status like any call. After that each value is written as it comes, waiting for the
 * reader when its buffer is full. When the call stops (client gone, timeout) or a value fails its
 * check, the generator is closed with `return()`, which runs its `finally` blocks: a pipeline
 * stops at its next `yield`. Resolves true when the generator ran to its end and the end was
 * written; errors from the generator or the check are thrown for the caller to answer.
 */
export async function pumpStream(iterator: AsyncIterator<unknown> | Iterator<unknown>, call: StreamingCall): Promise<boolean> {
  let keepAlive: NodeJS.Timeout | undefined;
  let finished = false;
  try {
    let step = await iterator.next();
    for (let index = 0; !step.done; index++) {
      const value = await call.check(step.value);
      if (call.stopped()) return false;
      if (index === 0) {
        call.open();
        // Not while the client's buffer is full: a write would count as activity and keep a
        // stalled reader's connection from its send timeout.
        keepAlive = setInterval(() => call.res.writableNeedDrain || call.sink.keepAlive(call.res), KEEP_ALIVE_MS);
      }
      if (!(await call.sink.value(call.res, value, index))) await drained(call.res, () => call.stalled());
      if (call.stopped()) return false;
      step = await iterator.next();
    }
    finished = true;
    if (call.stopped()) return false;
    if (!keepAlive) call.open();
    await call.sink.end(call.res, step.value);
    return true;
  } finally {
    clearInterval(keepAlive);
    // Stopped, or a value failed its check: close the generator (one that threw is closed already,
    // and closing it again does nothing).
    if (!finished) await closeQuietly(iterator);
  }
}

async function closeQuietly(iterator: AsyncIterator<unknown> | Iterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Its cleanup failed while being cancelled; the call is over either way.
  }
}
