import { describeValue } from '../errors';

// The mechanics of a call's abort signal, shared by depends() proxies and the typed client.

/** Throws a `TypeError` naming what was received when per-call options are not an object. */
export function checkCallOptions(options: unknown, where: string): void {
  if (options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options))) {
    const signal = (options as { signal?: unknown } | undefined)?.signal;
    if (signal === undefined || signal instanceof AbortSignal) return;
    throw new TypeError(`Expected an AbortSignal for the signal option of ${where} but received ${describeValue(signal)}`);
  }
  throw new TypeError(`Expected call options ({ signal, ... }) as the second argument of ${where} but received ${describeValue(options)}`);
}

/**
 * Settles as `work` does, or rejects with `signal.reason` as soon as the signal aborts, whichever
 * comes first. `work` keeps a handler either way, so its late failure is never an unhandled
 * rejection.
 */
export function settleOrAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
