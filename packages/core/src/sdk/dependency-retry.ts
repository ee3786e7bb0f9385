import { ConfigError, describeValue } from '../errors';

/**
 * How a `depends()` field retries its calls: `depends(Svc, { retry: { attempts: 5 } })`, or
 * `retry: false` for one attempt only. Every option has a default (see `DEFAULT_RETRY_POLICY`).
 */
export interface RetryOptions {
  /** Tries in all, the first included (1 to 10). Default 3. */
  attempts?: number;
  /** The backoff before the second try, doubled for each try after it, in milliseconds (0 to 60000). Default 100. */
  backoff_ms?: number;
  /** The most one backoff may be, in milliseconds (at least `backoff_ms`, at most 60000). Default 2000. */
  max_backoff_ms?: number;
}

/** The options of a `depends()` field. */
export interface DependencyOptions {
  /** How its calls are retried; `false`: never. */
  retry?: RetryOptions | false;
}

/** `RetryOptions` with every value filled in. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * Three tries, 100 ms then 200 ms of backoff at most (full jitter): a service that restarts or a
 * replica that drains is usually back within that, and three tries cost a caller little while it
 * has time left; more would only stack up load on a service that is really down.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 3, backoffMs: 100, maxBackoffMs: 2000 });
/** One try: `retry: false`. */
export const NO_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 1, backoffMs: 0, maxBackoffMs: 0 });

const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 60_000;
const KNOWN = new Set(['attempts', 'backoff_ms', 'max_backoff_ms']);

function wholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The policy of `retry` (undefined: the default); throws a `ConfigError` naming `where` and what was expected. */
export function retryPolicyOf(retry: unknown, where: string): RetryPolicy {
  if (retry === undefined) return DEFAULT_RETRY_POLICY;
  if (retry === false) return NO_RETRY_POLICY;
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) {
    throw new ConfigError(`${where}: expected retry to be false or { attempts, backoff_ms, max_backoff_ms } but received ${describeValue(retry)}`);
  }
  const given = retry as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown retry option ${unknown.map((key) => JSON.stringify(key)).join(', ')}; expected attempts, backoff_ms, max_backoff_ms`);
  const { attempts = DEFAULT_RETRY_POLICY.attempts, backoff_ms: backoffMs = DEFAULT_RETRY_POLICY.backoffMs } = given;
  if (!wholeNumber(attempts, 1, MAX_ATTEMPTS)) throw new ConfigError(`${where}: expected retry.attempts to be a whole number from 1 to ${MAX_ATTEMPTS} but received ${describeValue(attempts)}`);
  if (!wholeNumber(backoffMs, 0, MAX_BACKOFF_MS)) throw new ConfigError(`${where}: expected retry.backoff_ms to be a whole number of milliseconds from 0 to ${MAX_BACKOFF_MS} but received ${describeValue(backoffMs)}`);
  const maxBackoffMs = given.max_backoff_ms ?? Math.max(DEFAULT_RETRY_POLICY.maxBackoffMs, backoffMs);
  if (!wholeNumber(maxBackoffMs, backoffMs, MAX_BACKOFF_MS)) {
    throw new ConfigError(`${where}: expected retry.max_backoff_ms to be a whole number of milliseconds from backoff_ms (${backoffMs}) to ${MAX_BACKOFF_MS} but received ${describeValue(maxBackoffMs)}`);
  }
  return Object.freeze({ attempts, backoffMs, maxBackoffMs });
}
