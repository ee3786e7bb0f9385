import { TimeoutError } from '../errors';
import type { CallOptions } from '../sdk/call-options';

/**
 * Options of one client call, after its input: `client.describe(input, { signal, headers, timeoutMs })`.
 * Aborting or timing out closes the HTTP request, so the service sees its `ctx.signal` abort.
 */
export interface ClientCallOptions extends CallOptions {
  /** Headers for this call, over the client's own (auth, tracing, `x-request-id`). */
  headers?: Record<string, string>;
  /**
   * Milliseconds before the call is given up with a `TimeoutError` (504); replaces the client's
   * `timeoutMs`. Includes waiting for readiness and reading the answer. The time left is sent as
   * `x-bento-deadline-ms`, so the service stops when the client gives up.
   */
  timeoutMs?: number;
}

/** One call's cancellation: the caller's signal and the timeout as one signal, and the error each ends the call with. */
export interface CallDeadline {
  /** Aborts when the caller aborts or the time is up; undefined when neither can happen. */
  readonly signal?: AbortSignal;
  /** The error an aborted call rejects with: the caller's abort reason, or a `TimeoutError`. */
  error(target: string): unknown;
  /** When the timeout ends the call, in `performance.now()` milliseconds; sent on as `x-bento-deadline-ms`. */
  readonly expiresAt?: number;
}

/** Combines the caller's signal with the call's timeout (the call's own, else the client's). */
export function callDeadline(options: ClientCallOptions, clientTimeoutMs: number | undefined): CallDeadline {
  const timeoutMs = options.timeoutMs ?? clientTimeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`Expected a positive number of milliseconds for timeoutMs but received ${String(timeoutMs)}`);
  }
  const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const signals = [options.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
  return {
    expiresAt: timeoutMs === undefined ? undefined : performance.now() + timeoutMs,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    error(target) {
      if (options.signal?.aborted) return options.signal.reason;
      return new TimeoutError(`No answer from ${target} within ${timeoutMs} ms`, { url: target, timeout_ms: timeoutMs });
    },
  };
}
