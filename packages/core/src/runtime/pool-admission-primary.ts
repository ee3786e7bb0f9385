import cluster, { type Worker } from 'node:cluster';
import { isWorkerMessage, POOL_ADMISSION_ENV } from '../server/admission-protocol';
import { AdmissionAuthority, leaseBatch } from './admission-authority';

/** What the pool's primary needs to count a service's slots for all its workers. */
export interface PoolAdmissionOptions {
  /** The service's name: its workers use the primary's count for this service only. */
  service: string;
  /** `traffic.max_concurrency`. */
  limit: number;
  /** Requests that may wait (`maxQueueSize`): 0 without `external_queue`. */
  queueLimit: number;
}

/** The primary's side of the admission of a worker pool, over the cluster's IPC channels. */
export interface PoolAdmissionPrimary {
  /** Environment of the workers to fork: tells them to ask this primary for slots. */
  env: Record<string, string>;
  /** A worker exited: its slots are free again. */
  retire(worker: Worker): void;
}

/** Makes this process (the pool's primary) count `max_concurrency` for the workers it forks. */
export function admitForPool(options: PoolAdmissionOptions, workers: number): PoolAdmissionPrimary {
  const authority = new AdmissionAuthority(options.limit, options.queueLimit, leaseBatch(options.limit, workers), (id, message) => {
    const worker = cluster.workers?.[id];
    // A worker gone: its 'exit' gives its slots back.
    if (worker?.isConnected()) worker.send(message, undefined, () => {});
  });
  cluster.on('message', (worker, message: unknown) => {
    if (isWorkerMessage(message)) authority.onMessage(worker.id, message);
  });
  return {
    env: { [POOL_ADMISSION_ENV]: options.service },
    retire: (worker) => authority.onExit(worker.id),
  };
}
