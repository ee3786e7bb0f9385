import type { Registry } from 'prom-client';

/** Rows per call of a batchable method: powers of two up to ten times the default max_batch_size. */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export const BATCH_SIZE_METRIC = 'bento_service_batch_size';

interface Series {
  labels: { endpoint: string; service_name: string };
  count: number;
  sum: number;
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  buckets: Float64Array;
}

/**
 * The histogram `bento_service_batch_size` of one service: how many rows each call of a batchable
 * method received. Counted in plain arrays as batches run, turned into samples only when /metrics
 * is scraped (as ServiceMetrics does with its request metrics), and summed over the workers of a
 * pool like them (aggregator 'sum').
 */
export class BatchSizeHistogram {
  private readonly series = new Map<string, Series>();

  constructor(private readonly serviceName: string) {}

  /** Records batches of the API at `endpoint`. */
  observer(endpoint: string): (rows: number) => void {
    return (rows) => this.observe(endpoint, rows);
  }

  observe(endpoint: string, rows: number): void {
    let series = this.series.get(endpoint);
    if (!series) {
      series = { labels: { endpoint, service_name: this.serviceName }, count: 0, sum: 0, buckets: new Float64Array(BATCH_SIZE_BUCKETS.length + 1) };
      this.series.set(endpoint, series);
    }
    series.count++;
    series.sum += rows;
    let bucket = 0;
    while (bucket < BATCH_SIZE_BUCKETS.length && rows > BATCH_SIZE_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }

  /** The histogram as prom-client's Registry renders it. */
  metric(): object {
    const name = BATCH_SIZE_METRIC;
    const help = 'Rows per call of a batchable API method (calls merged by adaptive batching)';
    const values = () => {
      const out: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      for (const series of this.series.values()) {
        let cumulative = 0;
        for (let i = 0; i <= BATCH_SIZE_BUCKETS.length; i++) {
          cumulative += series.buckets[i]!;
          const le = i < BATCH_SIZE_BUCKETS.length ? BATCH_SIZE_BUCKETS[i]! : '+Inf';
          out.push({ metricName: `${name}_bucket`, labels: { le, ...series.labels }, value: cumulative });
        }
        out.push({ metricName: `${name}_sum`, labels: series.labels, value: series.sum });
        out.push({ metricName: `${name}_count`, labels: series.labels, value: series.count });
      }
      return out;
    };
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }),
      reset: () => this.series.clear(),
    };
  }
}

const histograms = new WeakMap<Registry, BatchSizeHistogram>();

/** The batch-size histogram in `registry` (a service's), registered there on first use. */
export function batchSizeHistogram(registry: Registry, serviceName: string): BatchSizeHistogram {
  let histogram = histograms.get(registry);
  if (!histogram) {
    histogram = new BatchSizeHistogram(serviceName);
    registry.registerMetric(histogram.metric() as never);
    histograms.set(registry, histogram);
  }
  return histogram;
}
