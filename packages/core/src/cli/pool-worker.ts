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
 * Starts a cluster worker's server with `start`, then tells the primary it serves. When the start
 * fails (the port is taken, `onStartup` threw) the worker exits with code 1 after reporting why: a
 * worker's IPC channel would keep it alive, and the primary would wait forever for it to be ready.
 */
export async function startPoolWorker<T extends { url: string }>(
  start: () => Promise<T>,
  report: (error: unknown) => void,
): Promise<T> {
  let started: T;
  try {
    started = await start();
  } catch (error) {
    report(error);
    process.exit(1);
  }
  process.send?.({ type: WORKER_READY, url: started.url } satisfies WorkerReady);
  return started;
}
