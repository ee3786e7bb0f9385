/** Worker → primary: this worker listens and its `onStartup` finished; it serves `url`. */
export const WORKER_READY = 'bento:worker-ready';

/** The message a worker of the pool sends once it serves. */
export interface WorkerReady {
  type: typeof WORKER_READY;
  url: string;
}

/** Whether `message` (anything may arrive on the IPC channel) says a worker is ready. */
export function isWorkerReady(message: unknown): message is WorkerReady {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === WORKER_READY
  );
}

/**
 * Tells the pool's primary that this worker listens and its startup finished. A worker whose start
 * failed never sends it: it exits 1 (the bin does that for any failed command), and the primary
 * counts it as a failed start rather than a crash to restart.
 */
export function reportWorkerReady(url: string): void {
  process.send?.({ type: WORKER_READY, url } satisfies WorkerReady);
}
