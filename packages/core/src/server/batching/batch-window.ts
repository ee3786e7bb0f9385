import type { LatencyModel } from './latency-model';

/** The mean time between calls arriving, smoothed (the last ~5 gaps count most). */
export class ArrivalGap {
  private last?: number;
  private mean?: number;

  /** Records a call arriving at `now` (ms). */
  arrived(now: number): void {
    if (this.last !== undefined) {
      const gap = now - this.last;
      this.mean = this.mean === undefined ? gap : this.mean * 0.8 + gap * 0.2;
    }
    this.last = now;
  }

  /** Mean milliseconds between calls; undefined until two calls came. */
  get meanMs(): number | undefined {
    return this.mean;
  }
}

/**
 * How long an idle dispatcher holds its first queued call for others to join, in milliseconds.
 *
 * Waiting pays while another call is likely to arrive before waiting costs more than running one
 * more batch would: so the window is at most the method's fixed cost per call, and none at all
 * when calls arrive further apart than that (the wait would only add latency), or before the
 * method was timed once. `budgetMs` caps it so that the oldest call can still make its deadline.
 * While a batch runs nobody waits on a window: the calls that arrive meanwhile form the next batch.
 */
export function idleWindowMs(latency: LatencyModel, arrivals: ArrivalGap, budgetMs: number): number {
  if (!latency.observed) return 0;
  const fixed = latency.fixedMs;
  const gap = arrivals.meanMs;
  if (gap === undefined || gap >= fixed) return 0;
  return Math.max(0, Math.min(fixed, budgetMs));
}
