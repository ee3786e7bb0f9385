import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's gauges named `*_total`: Prometheus reserves that suffix for counters
 * (`promtool check metrics` flags them), and each is the sum of a gauge it also exports by type
 * (`nodejs_active_handles_total` is `sum(nodejs_active_handles)`), so nothing is lost without them.
 */
const GAUGES_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Registers prom-client's default process and Node.js metrics in `registry`, less the ones that
 * break Prometheus naming rules.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
}
