import { Gauge, type Registry } from 'prom-client';
import type { Admission } from './admission';

/** The gauge of requests holding a slot of `max_concurrency`: what the autoscaler scales on. */
export const IN_FLIGHT_GAUGE = 'bento_service_requests_in_flight';
/** The gauge of requests waiting for a slot (`external_queue`). */
export const QUEUE_LENGTH_GAUGE = 'bento_service_queue_length';

/**
 * Exports the admission's counts, read when /metrics is scraped. In a worker pool each worker
 * reports its own and the scrape sums them (the gauges' aggregator), which gives the service's.
 */
export function exportAdmissionMetrics(registry: Registry, serviceName: string, admission: Admission): void {
  const labels = { service_name: serviceName };
  new Gauge({
    name: IN_FLIGHT_GAUGE,
    help: 'Requests running now, each holding a slot of traffic.max_concurrency (until its method settles)',
    labelNames: ['service_name'],
    registers: [registry],
    aggregator: 'sum',
    collect() {
      this.set(labels, admission.inFlight);
    },
  });
  new Gauge({
    name: QUEUE_LENGTH_GAUGE,
    help: 'Requests waiting for a slot of traffic.max_concurrency (the queue of traffic.external_queue)',
    labelNames: ['service_name'],
    registers: [registry],
    aggregator: 'sum',
    collect() {
      this.set(labels, admission.queued);
    },
  });
}
