/**
 * Metrics counted in plain fields on the hot path and turned into prom-client samples only when
 * /metrics is scraped (prom-client's own `observe()` validates and hashes its labels on every call,
 * which costs more than the rest of a small request). Shared by the request and batching metrics.
 */

export interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A metric prom-client's Registry can render: it calls `get()` at scrape time; summed over a pool's workers. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }>;
  reset(): void;
}

export function collected(name: string, help: string, type: CollectedMetric['type'], values: () => MetricValue[], reset: () => void): CollectedMetric {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset,
  };
}

/** One labelled series of a histogram. */
export interface HistogramSeries<L extends Record<string, string>> {
  labels: L;
  count: number;
  sum: number;
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  buckets: Float64Array;
}

export function histogramSeries<L extends Record<string, string>>(labels: L, bounds: readonly number[]): HistogramSeries<L> {
  return { labels, count: 0, sum: 0, buckets: new Float64Array(bounds.length + 1) };
}

/** Counts `value` in `series`, whose buckets' upper bounds are `bounds`. */
export function observeIn(series: HistogramSeries<Record<string, string>>, bounds: readonly number[], value: number): void {
  series.count++;
  series.sum += value;
  let bucket = 0;
  while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
  series.buckets[bucket]!++;
}

/** The `_bucket` (cumulative), `_sum` and `_count` samples of histogram `name`'s series. */
export function histogramSamples(name: string, bounds: readonly number[], series: Iterable<HistogramSeries<Record<string, string>>>): MetricValue[] {
  const values: MetricValue[] = [];
  for (const one of series) {
    let cumulative = 0;
    for (let i = 0; i <= bounds.length; i++) {
      cumulative += one.buckets[i]!;
      const le = i < bounds.length ? bounds[i]! : '+Inf';
      values.push({ metricName: `${name}_bucket`, labels: { le, ...one.labels }, value: cumulative });
    }
    values.push({ metricName: `${name}_sum`, labels: one.labels, value: one.sum });
    values.push({ metricName: `${name}_count`, labels: one.labels, value: one.count });
  }
  return values;
}
