import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { ResolvedServiceOptions } from '../config/service-options';

/** The number of worker processes a service asks for (`workers: N` or `'cpu_count'`). */
export function workerCount(options: ResolvedServiceOptions): number {
  return options.workers === 'cpu_count' ? availableParallelism() : options.workers;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Runs `count` copies of this process as cluster workers sharing one listener (the port or the
 * Unix socket), restarts a worker that crashes (with backoff), and on SIGTERM/SIGINT stops them
 * all after they drained. The workers run the same command line and serve as usual.
 */
export function runWorkerPool(count: number, service: string, log: (entry: Record<string, unknown>) => void): void {
  // Let the kernel spread connections over the workers instead of the primary accepting them all.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  let backoffMs = 200;
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // A worker's 'exit' can come before its 'disconnect', and cluster drops it from
      // cluster.workers only after both: count the dead ones, or the last exit goes unnoticed.
      if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) process.exit(0);
      return;
    }
    log({ level: 'error', service, pid: worker.process.pid, code, signal, restart_in_ms: backoffMs, msg: `${service} worker crashed; restarting` });
    setTimeout(fork, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.send) process.on('disconnect', stop);
  log({ level: 'info', service, workers: count, msg: `${service} running ${count} workers` });
}
