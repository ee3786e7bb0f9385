import { Gauge, type Registry } from 'prom-client';
import { IN_FLIGHT_GAUGE, QUEUE_LENGTH_GAUGE } from '../config/autoscaling-metrics';
import type { Admission } from './admission';

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
