import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** Milliseconds spent inside onnxruntime's `session.run` during one piece of work, by model. */
export interface RunTimes {
  total: number;
  byModel: Record<string, number>;
}

// Async-local, so that overlapping generations each count only their own runs, and no signature
// between the service and ModelRunner has to carry a clock.
const current = new AsyncLocalStorage<RunTimes>();

/**
 * Runs `work` and says how long its model runs took, however deep they are: what a generation spends
 * in onnxruntime, the rest being the framework's own (the latency benchmark reports the split).
 */
export async function withRunClock<T>(work: () => Promise<T>): Promise<{ value: T; runs: RunTimes }> {
  const runs: RunTimes = { total: 0, byModel: {} };
  const value = await current.run(runs, work);
  return { value, runs };
}

/** Times one run of `model` into the clock of the work it belongs to, if any. */
export async function timeRun<T>(model: string, run: () => Promise<T>): Promise<T> {
  const runs = current.getStore();
  if (!runs) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    const ms = performance.now() - started;
    runs.total += ms;
    runs.byModel[model] = (runs.byModel[model] ?? 0) + ms;
  }
}
