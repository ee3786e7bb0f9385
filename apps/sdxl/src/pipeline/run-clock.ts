import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** Milliseconds spent inside onnxruntime's `session.run`, summed over one piece of work. */
interface RunClock {
  ms: number;
}

// Async-local, so that overlapping generations each count only their own runs, and no signature
// between the service and ModelRunner has to carry a clock.
const current = new AsyncLocalStorage<RunClock>();

/**
 * Runs `work` and says how long its model runs took, however deep they are: what a generation spends
 * in onnxruntime, the rest being the framework's own (the latency benchmark reports the split).
 */
export async function withRunClock<T>(work: () => Promise<T>): Promise<{ value: T; runMs: number }> {
  const clock: RunClock = { ms: 0 };
  const value = await current.run(clock, work);
  return { value, runMs: clock.ms };
}

/** Times one model run into the clock of the work it belongs to, if any. */
export async function timeRun<T>(run: () => Promise<T>): Promise<T> {
  const clock = current.getStore();
  if (!clock) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    clock.ms += performance.now() - started;
  }
}
