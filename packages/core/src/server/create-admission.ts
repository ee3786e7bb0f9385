import cluster from 'node:cluster';
import { maxQueueSize, type ResolvedServiceOptions } from '../config/service-options';
import type { Admission } from './admission';
import { POOL_ADMISSION_ENV } from './admission-protocol';
import { LocalAdmission } from './local-admission';
import { PoolAdmission, processChannel } from './pool-admission';

/**
 * The admission of a service's server: counted by the worker pool's primary in a worker of a pool
 * that counts for this service, else in this process alone.
 */
export function createAdmission(serviceName: string, traffic: ResolvedServiceOptions['traffic']): Admission {
  const limit = traffic.max_concurrency;
  const queueLimit = maxQueueSize(traffic);
  if (cluster.isWorker && process.env[POOL_ADMISSION_ENV] === serviceName && typeof process.send === 'function') {
    return new PoolAdmission(serviceName, limit, queueLimit, processChannel());
  }
  return new LocalAdmission(serviceName, limit, queueLimit);
}
