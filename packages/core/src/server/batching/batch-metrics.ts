import type { Registry } from 'prom-client';
import { collected, histogramSamples, histogramSeries, observeIn, type HistogramSeries } from '../collected-metric';

/** Rows per call of a batchable method: powers of two up to ten times the default max_batch_size. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export const BATCH_SIZE_METRIC = 'bento_service_batch_size';
export const BATCH_QUEUE_METRIC = 'bento_service_batch_queue_size';

type Labels = { endpoint: string; service_name: string };

type Series = HistogramSeries<Labels>;

/**
 * The batching metrics of one service, in its registry:
 * - `bento_service_batch_size` (histogram): how many rows each call of a batchable method received;
 * - `bento_service_batch_queue_size` (gauge): calls waiting for a batch now.
 * Counted in plain fields as batches run and turned into samples only when /metrics is scraped
 * (as ServiceMetrics does with its request metrics), and summed over the workers of a pool like them.
 */
export class BatchMetrics {
  private readonly series = new Map<string, Series>();
  private readonly queues = new Map<string, () => number>();

  constructor(private readonly serviceName: string) {}

  /** Records the batches of the API at `endpoint`. */
  observer(endpoint: string): (rows: number) => void {
    return (rows) => this.observe(endpoint, rows);
  }

  observe(endpoint: string, rows: number): void {
    let series = this.series.get(endpoint);
    if (!series) {
      series = histogramSeries(this.labels(endpoint), BATCH_SIZE_BUCKETS);
      this.series.set(endpoint, series);
    }
    observeIn(series, BATCH_SIZE_BUCKETS, rows);
  }

  /** Reports `queued()` (calls waiting) as the queue size of the API at `endpoint`. */
  watchQueue(endpoint: string, queued: () => number): void {
    this.queues.set(endpoint, queued);
  }

  private labels(endpoint: string): Labels {
    return { endpoint, service_name: this.serviceName };
  }

  /** Registers both metrics in `registry`. */
  register(registry: Registry): void {
    const histogram = collected(BATCH_SIZE_METRIC, 'Rows per call of a batchable API method (calls merged by adaptive batching)', 'histogram', () => histogramSamples(BATCH_SIZE_METRIC, BATCH_SIZE_BUCKETS, this.series.values()), () => this.series.clear());
    const queue = collected(
      BATCH_QUEUE_METRIC,
      'Calls of a batchable API waiting for their batch',
      'gauge',
      () => [...this.queues].map(([endpoint, queued]) => ({ labels: this.labels(endpoint), value: queued() })),
      // The queues are live state, not counts since the last reset: nothing to clear.
      () => undefined,
    );
    registry.registerMetric(histogram as never);
    registry.registerMetric(queue as never);
  }
}

const byRegistry = new WeakMap<Registry, BatchMetrics>();

/** The batching metrics in `registry` (a service's), registered there on first use. */
export function batchMetrics(registry: Registry, serviceName: string): BatchMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new BatchMetrics(serviceName);
    metrics.register(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
