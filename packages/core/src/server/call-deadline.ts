import { BadRequestError, TimeoutError, type BentoError } from '../errors';
import { DEADLINE_HEADER, parseDeadlineMs } from '../wire/deadline-header';

/**
 * The milliseconds a call may run: the API's `traffic.timeout`, or less when its caller said it
 * has less time left (`x-bento-deadline-ms`): work the caller can no longer use is not done. An
 * error instead when the header is malformed (400) or says no time is left (504): the method does
 * not run at all.
 */
export function callTimeoutMs(header: string | string[] | undefined, timeoutMs: number, serviceName: string): number | BentoError {
  // Most requests carry no deadline: one comparison on the hot path.
  if (header === undefined) return timeoutMs;
  const given = parseDeadlineMs(header);
  if (given === undefined) {
    return new BadRequestError(`Header ${DEADLINE_HEADER} must be one whole number of milliseconds (the time the caller has left), not ${JSON.stringify(header)}`, {
      header: DEADLINE_HEADER,
    });
  }
  if (given === 0) return new TimeoutError(`The call reached ${serviceName} with no time left before its caller's deadline`, { deadline_ms: 0 });
  return Math.min(given, timeoutMs);
}
