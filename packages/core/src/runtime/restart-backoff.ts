const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;
/** A process that ran this long was healthy: its next crash is news, not part of a crash loop. */
const HEALTHY_AFTER_MS = 30_000;

/**
 * The delays between restarts of a process that keeps crashing: 200 ms, doubling up to 10 s, and
 * back to 200 ms once a process ran 30 s, so one crash a day restarts as quickly as the first.
 *
 * @example
 * ```ts
 * const backoff = new RestartBackoff();
 * setTimeout(restart, backoff.next(Date.now() - startedAt));
 * ```
 */
export class RestartBackoff {
  private nextMs = MIN_BACKOFF_MS;

  /** The delay before restarting a process that ran `ranMs` before it exited. */
  next(ranMs: number): number {
    if (ranMs >= HEALTHY_AFTER_MS) this.nextMs = MIN_BACKOFF_MS;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, MAX_BACKOFF_MS);
    return delay;
  }
}
