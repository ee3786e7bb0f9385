/**
 * Names of the gauges a service exports for autoscaling: what the server writes in /metrics
 * (server/admission-metrics.ts) and what the Kubernetes renderer points an autoscaler at
 * (deploy/kubernetes/autoscaling.ts). Down here so that both read the same names.
 */

/** Requests holding a slot of `traffic.max_concurrency`, summed over a replica's workers. */
export const IN_FLIGHT_GAUGE = 'bento_service_requests_in_flight';
/** Requests waiting for a slot (`traffic.external_queue`), summed over a replica's workers. */
export const QUEUE_LENGTH_GAUGE = 'bento_service_queue_length';
