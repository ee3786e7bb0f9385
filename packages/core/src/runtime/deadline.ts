import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../errors';
import { callContext } from '../sdk/call-context';

/**
 * The deadline of the request being served (`performance.now()` milliseconds), or undefined
 * outside a request (a call from `onStartup`): what every call it makes to a dependency must fit in.
 */
export function requestDeadline(): number | undefined {
  return callContext.getStore()?.deadline;
}

/** Milliseconds left before `deadline`; Infinity without one. */
export function timeLeft(deadline: number | undefined): number {
  return deadline === undefined ? Infinity : deadline - performance.now();
}

/**
 * Less than this is no time at all: the header carries whole milliseconds, and a callee told "0"
 * could only answer 504.
 */
export const MIN_CALL_MS = 1;

/**
 * A retry is not made unless at least this much time would be left after its backoff: a try with
 * less would most likely run out of time, and the caller is better served by the error it has.
 */
export const MIN_RETRY_MS = 50;

/** The 504 of a call not sent because its request's deadline has passed (or retrying would pass it). */
export function noTimeLeft(service: string, method: string): TimeoutError {
  return new TimeoutError(`No time left to call ${service}.${method}: the request's deadline has passed`, { service });
}
