// How a request's deadline and a "the method never ran" answer travel between services: shared by
// the server that reads and writes them and the runtime that sends and reads them.

/**
 * Request header: the milliseconds the caller has left for this call, as a whole number. Relative
 * rather than a point in time, so the clocks of the two hosts never have to agree; the few
 * milliseconds the request spends on the wire are lost, which errs on the side of giving up early.
 */
export const DEADLINE_HEADER = 'x-bento-deadline-ms';

/**
 * Response header (`1`) on an answer given before the API's method ran: the service was starting
 * or draining (503) or at its `max_concurrency` (429). A caller may send such a request again
 * without risk of running the method twice; an error without it may come from a method that ran.
 */
export const NOT_STARTED_HEADER = 'x-bento-not-started';

/** The longest deadline a header may carry: the longest timer Node runs (about 24.8 days). */
export const MAX_DEADLINE_MS = 2 ** 31 - 1;

/**
 * The milliseconds of a `x-bento-deadline-ms` value, or undefined when it is not a whole number
 * from 0 to `MAX_DEADLINE_MS` (a repeated header counts as malformed: which one would be meant?).
 */
export function parseDeadlineMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return undefined;
  const ms = Number(value);
  return ms <= MAX_DEADLINE_MS ? ms : undefined;
}
