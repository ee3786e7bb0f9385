import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { ResolvedServiceOptions } from '../config/service-options';
import type { Logger } from '../server/logger';
import { removeStaleSocket } from '../server/stale-socket';
import { RestartBackoff } from './restart-backoff';
import { CLUSTER_METRICS_ENV } from '../server/cluster-metrics';
import { isWorkerReady } from './pool-worker';
import { WorkerPoolMetrics } from './worker-pool-metrics';
import { admitForPool, type PoolAdmissionOptions } from './pool-admission-primary';

/** The number of worker processes a service asks for (`workers: N` or `'cpu_count'`). */
export function workerCount(options: ResolvedServiceOptions): number {
  return options.workers === 'cpu_count' ? availableParallelism() : options.workers;
}

/** The server drains in-flight requests for up to 30 s on SIGTERM (its default); then 5 s to run onShutdown. */
const DEFAULT_GRACE_MS = (30 + 5) * 1000;

/** Options of `runWorkerPool`. */
export interface WorkerPoolOptions {
  /** How long workers may take to stop after SIGTERM before they are killed. Default 35 s. */
  graceMs?: number;
  /**
   * The Unix socket the workers share, if they listen on one: a stale socket file is removed here,
   * once, before forking (a worker would take a sibling's bound-but-not-listening socket for stale).
   */
  socket?: string;
  /** Count the service's `max_concurrency` (and its queue) here, for all the workers together. */
  admission?: PoolAdmissionOptions;
}

/** A running worker pool. */
export interface WorkerPool {
  /** What SIGTERM does: SIGTERM to every worker, SIGKILL after the grace period, then exit 0. */
  stop(): void;
}

/**
 * Runs `count` copies of this process as cluster workers sharing one listener (the port or the
 * Unix socket; with port 0 they share one free port). A worker that crashes after serving is
 * restarted with backoff; when workers die at startup and none ever became ready, the primary
 * gives up and exits with the last one's exit code, so whatever started it sees the start fail.
 * On SIGTERM/SIGINT (or when its supervisor goes away) the workers drain and stop; any still
 * alive after the grace period are killed. Scrapes of /metrics on any worker show the whole pool.
 * With `admission`, the primary counts `max_concurrency` for all the workers together.
 */
export async function runWorkerPool(
  count: number,
  service: string,
  logger: Logger,
  options: WorkerPoolOptions = {},
): Promise<WorkerPool> {
  if (options.socket) await removeStaleSocket(options.socket);
  // Let the kernel spread connections over the workers instead of the primary accepting them all.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const backoff = new RestartBackoff();
  /** Serving workers, with when they became ready. */
  const readySince = new Map<Worker, number>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let everReady = false;
  let stopping = false;
  /** Workers that died at startup before any was ready: restarted once one is (the code can start). */
  let deferredRestarts = 0;
  const metrics = new WorkerPoolMetrics(() =>
    [...readySince.keys()].filter((worker) => worker.isConnected()),
  );
  const admission = options.admission && admitForPool(options.admission, count);
  const fork = () => cluster.fork({ [CLUSTER_METRICS_ENV]: '1', ...admission?.env });
  const alive = () =>
    Object.values(cluster.workers ?? {}).filter(
      (worker): worker is Worker => worker !== undefined && !worker.isDead(),
    );

  const restartLater = (delayMs: number) => {
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      fork();
    }, delayMs);
    restartTimers.add(timer);
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isWorkerReady(message) || stopping) return;
    readySince.set(worker, Date.now());
    if (!everReady) {
      everReady = true;
      for (; deferredRestarts > 0; deferredRestarts--) restartLater(backoff.next(0));
    }
    if (readySince.size === count) {
      logger.info({ url: message.url, pids: [...readySince.keys()].map((w) => w.process.pid) }, `${service}: ${count} workers ready`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const servedMs = Date.now() - (readySince.get(worker) ?? Date.now());
    readySince.delete(worker);
    metrics.retire(worker);
    admission?.retire(worker);
    const pid = worker.process.pid;
    if (stopping) {
      // A worker's 'exit' can come before its 'disconnect', and cluster drops it from
      // cluster.workers only after both: count the dead ones, or the last exit goes unnoticed.
      if (alive().length === 0) process.exit(0);
      return;
    }
    if (!everReady) {
      logger.error({ pid, code, signal }, `${service} worker exited during startup (${signal ?? `code ${code}`})`);
      if (alive().length > 0) {
        deferredRestarts++;
        return;
      }
      logger.error({ code, signal }, `${service}: every worker exited during startup and none became ready; giving up`);
      process.exit(typeof code === 'number' && code !== 0 ? code : 1);
    }
    const delay = backoff.next(servedMs);
    logger.error({ pid, code, signal, restart_in_ms: delay }, `${service} worker crashed; restarting`);
    restartLater(delay);
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    // A worker that crashed just before must not come back while the pool stops.
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers.clear();
    const workers = alive();
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of alive()) {
        logger.warn({ pid: worker.process.pid, grace_ms: graceMs }, `${service} worker still running after the grace period; killing it`);
        worker.process.kill('SIGKILL');
      }
    }, graceMs);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.send) process.on('disconnect', stop);

  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, `${service} running ${count} workers`);
  return { stop };
}
