/**
 * The messages between the workers of `bento serve`'s worker pool and its primary that keep
 * `max_concurrency` for the whole service (see runtime/admission-authority.ts for the primary's
 * half, server/pool-admission.ts for a worker's).
 *
 * Leases: the primary grants a worker slots it may use without asking again, so most requests
 * cost no message. A worker with none left asks (ACQUIRE) for its request; the primary grants
 * (GRANT, possibly several slots), queues the ask, or refuses it (REFUSE). When the primary has
 * no slot left it is "contended": it recalls every worker's unused slots (RECALL, answered by a
 * RELEASE carrying the recall's number), and until that passes workers hand each slot back when
 * its request ends, so that freed slots reach the oldest waiting request of any worker.
 */

/** Set by the worker pool in its workers' environment: the name of the service whose slots its primary counts. */
export const POOL_ADMISSION_ENV = 'BENTO_POOL_ADMISSION';

/** Worker → primary: a slot for request `id` of this worker. */
export const ACQUIRE = 'bento:admission-acquire';
/** Worker → primary: request `id` stopped waiting (timeout, client left, draining). */
export const CANCEL = 'bento:admission-cancel';
/** Worker → primary: `count` slots handed back; `recall` when it answers that recall. */
export const RELEASE = 'bento:admission-release';
/** Primary → worker: `slots` slots are this worker's; one of them is for request `id`. */
export const GRANT = 'bento:admission-grant';
/** Primary → worker: request `id` gets no slot (and no place in the queue): 429. */
export const REFUSE = 'bento:admission-refuse';
/** Primary → worker: hand back unused slots now, and each slot as its request ends (contended). */
export const RECALL = 'bento:admission-recall';
/** Primary → worker: contention is over; keep slots for the next requests. */
export const UNCONTENDED = 'bento:admission-uncontended';

export type WorkerMessage =
  | { type: typeof ACQUIRE; id: number }
  | { type: typeof CANCEL; id: number }
  | { type: typeof RELEASE; count: number; recall?: number };

export type PrimaryMessage =
  | { type: typeof GRANT; id: number; slots: number; contended: boolean }
  | { type: typeof REFUSE; id: number }
  | { type: typeof RECALL; recall: number }
  | { type: typeof UNCONTENDED };

const WORKER_TYPES: ReadonlySet<string> = new Set([ACQUIRE, CANCEL, RELEASE]);
const PRIMARY_TYPES: ReadonlySet<string> = new Set([GRANT, REFUSE, RECALL, UNCONTENDED]);

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
}

/** Whether a message on the IPC channel (anything may arrive there) is a worker's admission message. */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const type = typeOf(message);
  return typeof type === 'string' && WORKER_TYPES.has(type);
}

/** Whether a message on the IPC channel is the primary's admission message. */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  const type = typeOf(message);
  return typeof type === 'string' && PRIMARY_TYPES.has(type);
}
