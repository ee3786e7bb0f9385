import type { RetryPolicy } from '../sdk/dependency-retry';
import { RemoteError, ServiceUnavailableError } from '../errors';
import { MIN_RETRY_MS, timeLeft } from './deadline';

/**
 * Whether a failed try may be made again:
 * - `safe`: the callee provably never ran the method (no connection was made; it answered
 *   "not started" while starting, draining or full): always, whatever the API.
 * - `if-idempotent`: the method may have run (a connection cut mid-call, a 502/503/504 from
 *   inside it, a try that ran out of its own time): only for `@api({ idempotent: true })`.
 * - `never`: the answer would be the same (4xx, a 500 from the method's own code).
 */
export type RetrySafety = 'safe' | 'if-idempotent' | 'never';

/** One try that failed: the error the caller gets if it is the last, and whether another may follow. */
export class FailedAttempt extends Error {
  constructor(
    readonly error: Error,
    readonly safety: RetrySafety,
    /** The callee's Retry-After (429), in milliseconds: the next try waits at least that long. */
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
}

/** The failure of a try whose connection failed: safe when it never connected (the pool or stream marks `notSent`). */
export function connectionFailure(error: Error, cause: unknown): FailedAttempt {
  return new FailedAttempt(error, (cause as { notSent?: boolean }).notSent ? 'safe' : 'if-idempotent');
}

/** The failure of a try the callee answered with an error status. */
export function statusFailure(error: RemoteError): FailedAttempt {
  const { status, notStarted } = error;
  if (notStarted && status === 429) return new FailedAttempt(error, 'safe', retryAfterMs(error.details));
  if (notStarted && status === 503) return new FailedAttempt(error, 'safe');
  // 500 is the method's own failure: it would fail again. A gateway's 502/503/504 may pass.
  if (status === 502 || status === 503 || status === 504) return new FailedAttempt(error, 'if-idempotent');
  return new FailedAttempt(error, 'never');
}

/** A 429's Retry-After (its body's `details.retry_after_seconds`), in milliseconds. */
function retryAfterMs(details: unknown): number | undefined {
  const seconds = (details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Codes of a connection never made, as Node's fetch reports them (the typed client, for
 * `depends({ url })`): the request cannot have reached the service.
 */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The failure of a try through the typed client: its `RemoteError`s by status, its unreachable errors by code. */
export function clientFailure(error: unknown): unknown {
  if (error instanceof RemoteError) return statusFailure(error);
  if (error instanceof ServiceUnavailableError) {
    const code = ((error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code as string | undefined) ?? '';
    return new FailedAttempt(error, NOT_CONNECTED_CODES.has(code) ? 'safe' : 'if-idempotent');
  }
  return error;
}

/** What one call's tries share. */
export interface RetryContext {
  dependency: string;
  method: string;
  policy: RetryPolicy;
  /** The API is `@api({ idempotent: true })`. */
  idempotent: boolean;
  /** The request's deadline (deadline.ts): no backoff sleeps past it. */
  deadline: number | undefined;
  signal?: AbortSignal;
  /** Told of each retry (logs and metrics: retry-observer.ts). */
  observer?: RetryObserver;
}

/** What learns of each retry before its backoff. */
export interface RetryObserver {
  retrying(context: RetryContext, attempt: number, failure: FailedAttempt, delayMs: number): void;
}

/**
 * The backoff before try `attempt + 1`: "full jitter", a random time up to base·2^(attempt−1)
 * (capped), so callers that failed together do not all come back at the same moment.
 */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
}

/**
 * Runs `attempt` until it succeeds, fails for good, the policy's tries are spent, or the next
 * backoff would leave less than `MIN_RETRY_MS` before the deadline; rejects with the last try's
 * own error. `attempt` throws a `FailedAttempt` for a failure that may be retried; anything else
 * ends the call as it is.
 */
export async function withRetries<T>(context: RetryContext, attempt: (attempt: number) => Promise<T>): Promise<T> {
  const { policy, signal } = context;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (thrown) {
      if (!(thrown instanceof FailedAttempt)) throw thrown;
      const { error, safety } = thrown;
      if (n >= policy.attempts || safety === 'never' || (safety === 'if-idempotent' && !context.idempotent)) throw error;
      if (signal?.aborted) throw signal.reason;
      const delay = Math.max(backoffMs(policy, n), thrown.retryAfterMs ?? 0);
      if (delay + MIN_RETRY_MS > timeLeft(context.deadline)) throw error;
      context.observer?.retrying(context, n, thrown, delay);
      await sleep(delay, signal);
    }
  }
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
