/**
 * Options of one call through a `depends()` proxy (and the base of a client's call options).
 *
 * @example
 * ```ts
 * // Stop the downstream call when the caller of this API goes away or times out:
 * return this.sdxl.generate({ prompt }, { signal: ctx.signal });
 * ```
 */
export interface CallOptions {
  /**
   * Aborting it rejects the call with the signal's reason at once and cancels the work where it
   * can: a remote call's HTTP request is closed (its service sees `ctx.signal` abort); an
   * in-process call gets the signal as its `ctx.signal`. `AbortSignal.timeout(ms)` sets a deadline.
   */
  signal?: AbortSignal;
}
