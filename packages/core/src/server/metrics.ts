import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond API calls up to minute-long generations. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type Observe = { inc(): void; observe(seconds: number): void };

/**
 * The Prometheus metrics of one service, in a registry of its own so several servers can live in
 * one process (tests, development mode). Label children are created once per endpoint and status
 * and cached: prom-client hashes label objects on every call otherwise, which shows in req/s.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly total: Counter<'endpoint' | 'service_name' | 'http_response_code'>;
  private readonly duration: Histogram<'endpoint' | 'service_name' | 'http_response_code'>;
  private readonly inProgress: Gauge<'endpoint' | 'service_name'>;
  private readonly finished = new Map<string, Observe>();
  private readonly started = new Map<string, { inc(): void; dec(): void }>();

  constructor(private readonly serviceName: string) {
    this.total = new Counter({
      name: 'bento_service_request_total',
      help: 'Requests answered, by endpoint and HTTP status code',
      labelNames: ['endpoint', 'service_name', 'http_response_code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'bento_service_request_duration_seconds',
      help: 'Time from request to response, in seconds',
      labelNames: ['endpoint', 'service_name', 'http_response_code'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.inProgress = new Gauge({
      name: 'bento_service_request_in_progress',
      help: 'Requests being handled now',
      labelNames: ['endpoint', 'service_name'],
      registers: [this.registry],
    });
  }

  /** Counts a request as in progress; call the returned function exactly once when it is answered. */
  begin(endpoint: string): () => void {
    let gauge = this.started.get(endpoint);
    if (!gauge) {
      const child = this.inProgress.labels({ endpoint, service_name: this.serviceName });
      gauge = { inc: () => child.inc(), dec: () => child.dec() };
      this.started.set(endpoint, gauge);
    }
    gauge.inc();
    return gauge.dec;
  }

  /** Records one answered request. */
  finish(endpoint: string, status: number, seconds: number): void {
    const key = `${status} ${endpoint}`;
    let child = this.finished.get(key);
    if (!child) {
      const labels = { endpoint, service_name: this.serviceName, http_response_code: String(status) };
      const counter = this.total.labels(labels);
      const histogram = this.duration.labels(labels);
      child = { inc: () => counter.inc(), observe: (s) => histogram.observe(s) };
      this.finished.set(key, child);
    }
    child.inc();
    child.observe(seconds);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
