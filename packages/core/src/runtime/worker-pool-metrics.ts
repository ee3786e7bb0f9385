import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import {
  COLLECT,
  COLLECTED,
  isMessage,
  SCRAPE,
  SCRAPED,
  type MetricJson,
} from '../server/cluster-metrics';

/** How long the primary waits for one worker's metrics; a busy worker's last answer stands in. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * The primary's half of /metrics in a worker pool: whichever worker is scraped asks the primary,
 * which collects every serving worker's metrics over IPC and merges them with each metric's
 * prom-client aggregator. Request counters and histograms are summed, so they count the pool's
 * requests whichever worker answers; the default process metrics merge as prom-client defines
 * for clusters: CPU seconds, memory, handles and file descriptors summed, event-loop lag averaged
 * (its min and max kept), the Node version taken once, and the start time left out (workers
 * start at different times).
 *
 * Counters and histograms of workers that died stay in the sum (as of their last answer), so
 * the pool's counters never go down when a worker is replaced: Prometheus would read a drop as a
 * reset and see a burst of requests that never happened.
 */
export class WorkerPoolMetrics {
  /** Each worker's last answer, by worker id: stands in when it is too busy to answer in time. */
  private readonly latest = new Map<number, MetricJson[]>();
  private retired: MetricJson[] = [];
  private readonly collecting = new Map<string, (metrics?: MetricJson[]) => void>();
  private nextCollection = 0;

  /** `serving`: the workers that reported ready (they answer collections). */
  constructor(private readonly serving: () => Worker[]) {
    cluster.on('message', (worker, message: unknown) => this.onMessage(worker, message));
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (isMessage(message, SCRAPE)) {
      this.gather(worker).then(
        (text) => sendIfConnected(worker, { type: SCRAPED, id: message.id, text }),
        (error: Error) =>
          sendIfConnected(worker, { type: SCRAPED, id: message.id, error: error.message }),
      );
    } else if (isMessage<{ metrics: MetricJson[] }>(message, COLLECTED)) {
      this.collecting.get(`${message.id}:${worker.id}`)?.(message.metrics);
    }
  }

  /**
   * The pool's metrics in the Prometheus text format, for a scrape of `scraped`: it answers even
   * while it starts (not ready yet), so its own metrics are always in its answer.
   */
  async gather(scraped: Worker): Promise<string> {
    const id = this.nextCollection++;
    const workers = new Set([...this.serving(), scraped]);
    const answers = await Promise.all([...workers].map((worker) => this.collect(worker, id)));
    const known = answers.filter((answer): answer is MetricJson[] => answer !== undefined);
    return AggregatorRegistry.aggregate([...known, this.retired]).metrics();
  }

  private collect(worker: Worker, id: number): Promise<MetricJson[] | undefined> {
    const key = `${id}:${worker.id}`;
    return new Promise((resolve) => {
      const done = (metrics?: MetricJson[]) => {
        clearTimeout(timer);
        this.collecting.delete(key);
        if (metrics) this.latest.set(worker.id, metrics);
        resolve(this.latest.get(worker.id));
      };
      const timer = setTimeout(done, COLLECT_TIMEOUT_MS);
      this.collecting.set(key, done);
      if (!sendIfConnected(worker, { type: COLLECT, id }, () => done())) done();
    });
  }

  /** Keeps the counts of a worker that exited in the pool's totals. */
  retire(worker: Worker): void {
    const last = this.latest.get(worker.id);
    this.latest.delete(worker.id);
    if (last) this.retired = addCounts(this.retired, last);
  }
}

/** Sends over a worker's IPC channel unless it closed; `onError` when sending fails after all. */
function sendIfConnected(worker: Worker, message: object, onError?: () => void): boolean {
  if (!worker.isConnected()) return false;
  worker.send(message, undefined, (error: Error | null) => {
    if (error) onError?.();
  });
  return true;
}

/** `into` plus the counters and histograms of `more`, series by series (a retired worker's counts). */
function addCounts(into: MetricJson[], more: MetricJson[]): MetricJson[] {
  const merged = new Map<
    string,
    { metric: MetricJson; series: Map<string, MetricJson['values'][number]> }
  >();
  for (const metric of [...into, ...more]) {
    if (metric.type !== 'counter' && metric.type !== 'histogram') continue;
    let entry = merged.get(metric.name);
    if (!entry) merged.set(metric.name, (entry = { metric, series: new Map() }));
    for (const value of metric.values) {
      const key = seriesKey(value);
      entry.series.set(key, { ...value, value: (entry.series.get(key)?.value ?? 0) + value.value });
    }
  }
  return [...merged.values()].map(({ metric, series }) => ({
    ...metric,
    values: [...series.values()],
  }));
}

function seriesKey(value: MetricJson['values'][number]): string {
  const labels = Object.keys(value.labels)
    .sort()
    .map((name) => `${name}=${value.labels[name]}`);
  return `${value.metricName ?? ''}{${labels.join(',')}}`;
}
