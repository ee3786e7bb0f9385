import { Registry } from 'prom-client';
import { inMetricsPool, scrapeThroughPrimary, shareWithPrimary } from './cluster-metrics';
import { collected, histogramSamples, histogramSeries, observeIn, type HistogramSeries } from './collected-metric';
import { collectProcessMetrics } from './process-metrics';

/** Latency buckets in seconds: sub-millisecond API calls up to minute-long generations. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type FinishedSeries = HistogramSeries<{ endpoint: string; service_name: string; http_response_code: string }>;

/**
 * The Prometheus metrics of one service, in a registry of its own so several servers can live in
 * one process (tests, development mode). Requests are counted in plain arrays on the hot path and
 * turned into prom-client metrics only when /metrics is scraped: prom-client's own `observe()`
 * validates and hashes its labels on every call, which costs more than the rest of a small request.
 * In a worker of `bento serve`'s worker pool, `render()` shows the whole pool's metrics.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly finished = new Map<string, FinishedSeries>();
  private readonly inProgress = new Map<string, number>();
  /** In a pool worker, /metrics answers for every worker: the primary gathers them. */
  private readonly pooled = inMetricsPool();

  constructor(private readonly serviceName: string, options: { processMetrics?: boolean } = {}) {
    const names = { total: 'bento_service_request_total', duration: 'bento_service_request_duration_seconds', inProgress: 'bento_service_request_in_progress' };
    const clear = () => this.finished.clear();
    this.registry.registerMetric(
      collected(names.total, 'Requests answered, by endpoint and HTTP status code', 'counter', () => [...this.finished.values()].map((s) => ({ labels: s.labels, value: s.count })), clear) as never,
    );
    this.registry.registerMetric(
      collected(names.duration, 'Time from request to response, in seconds', 'histogram', () => histogramSamples(names.duration, DURATION_BUCKETS, this.finished.values()), clear) as never,
    );
    this.registry.registerMetric(
      collected(names.inProgress, 'Requests being handled now', 'gauge', () => [...this.inProgress].map(([endpoint, value]) => ({ labels: { endpoint, service_name: this.serviceName }, value })), () => this.inProgress.clear()) as never,
    );
    if (options.processMetrics !== false) collectProcessMetrics(this.registry);
    if (this.pooled) shareWithPrimary(this.registry);
  }

  /** Counts a request on `endpoint` as in progress; call `end(endpoint)` or `finish()` exactly once after. */
  begin(endpoint: string): void {
    this.inProgress.set(endpoint, (this.inProgress.get(endpoint) ?? 0) + 1);
  }

  /** Records one answered request that `begin` counted. */
  finish(endpoint: string, status: number, seconds: number): void {
    this.inProgress.set(endpoint, (this.inProgress.get(endpoint) ?? 1) - 1);
    const key = status + endpoint;
    let series = this.finished.get(key);
    if (!series) {
      series = histogramSeries({ endpoint, service_name: this.serviceName, http_response_code: String(status) }, DURATION_BUCKETS);
      this.finished.set(key, series);
    }
    observeIn(series, DURATION_BUCKETS, seconds);
  }

  /** The Prometheus text exposition of every metric: of every worker, in a worker pool. */
  render(): Promise<string> {
    return this.pooled ? scrapeThroughPrimary() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
