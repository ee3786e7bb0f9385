import { NotReadyError, TooManyRequestsError, type BentoError } from '../errors';

/**
 * A request that may have to wait for a slot of `max_concurrency`. The admission calls one of
 * these, once, for a request it answered `'waiting'` and that did not give up (`abandon`) first.
 */
export interface SlotWaiter {
  /** A slot is this request's now: run the method, then `leave()`. */
  slotGranted(): void;
  /** No slot will come: answer `error` (429 with the queue full or no queue, 503 while draining). */
  slotRefused(error: BentoError): void;
}

/** What `enter` decided: run now, answer 429 now (`refusal()`), or wait for the waiter's callback. */
export type Entry = 'admitted' | 'refused' | 'waiting';

/**
 * Admission of requests to a service against `traffic.max_concurrency`, with the queue of
 * `traffic.external_queue`. A slot is held from admission until the method settles (not until
 * the answer is written), so a request that timed out still counts while its work runs.
 * Two kinds: `LocalAdmission` (one process) and `PoolAdmission` (a worker of `bento serve`'s
 * worker pool, whose primary counts for the whole service).
 */
export interface Admission {
  readonly limit: number;
  /** How many requests may wait; 0 without `external_queue`. */
  readonly queueLimit: number;
  enter(waiter: SlotWaiter): Entry;
  /** The 429 for a request `enter` refused. */
  refusal(): TooManyRequestsError;
  /** A waiting request gives up (its timeout ran out, its client left): its place goes, no slot taken. */
  abandon(waiter: SlotWaiter): void;
  /** The slot of an admitted request is free again. */
  leave(): void;
  /** The server stops taking calls: every waiting request is refused with 503. */
  drain(): void;
  /** Requests holding a slot in this process. */
  readonly inFlight: number;
  /** Requests of this process waiting for a slot. */
  readonly queued: number;
}

/** The 429 of a service at its limit: whether its queue is full says what the client met. */
export function tooManyRequests(serviceName: string, limit: number, queueLimit: number): TooManyRequestsError {
  const busy = `Service ${serviceName} is at its max_concurrency of ${limit}`;
  return new TooManyRequestsError(queueLimit > 0 ? `${busy} and its queue of ${queueLimit} requests is full; retry later` : `${busy}; retry later`);
}

/**
 * The 503 for requests still waiting when the service drains: they never ran, so the client may
 * safely send them again (to another replica: the connection closes with this answer).
 */
export function drainedWhileQueued(serviceName: string): NotReadyError {
  return new NotReadyError(`Service ${serviceName} is shutting down; this request waited in its queue and did not run`, 1);
}
