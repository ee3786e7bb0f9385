import { RuntimeOverridesSchema } from '../config/deployment-config';
import { describeIssues } from '../config/format-issues';
import { trafficProblems } from '../config/traffic-consistency';
import { ConfigError } from '../errors';
import { getServiceDefinition } from '../sdk/definition';
import type { ServiceGraph } from '../sdk/service-graph';

/**
 * JSON `{ "<Service>": { "traffic": {…}, "workers": n, "cors": {…} } }`: a deployment's overrides of the
 * services' own options (config-file.yaml's `config_overrides`), set by `bento deploy` on every
 * process of the graph — a caller needs its callee's `traffic.timeout` too, to know how long to wait.
 */
export const CONFIG_OVERRIDES_ENV = 'BENTO_CONFIG_OVERRIDES';

/**
 * Applies `BENTO_CONFIG_OVERRIDES` to the definitions of the graph's services, before anything is
 * served. An invalid value, or a service the graph does not have, is an error naming the variable.
 */
export function applyConfigOverrides(graph: ServiceGraph, env: NodeJS.ProcessEnv = process.env): void {
  const text = env[CONFIG_OVERRIDES_ENV];
  if (!text) return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${CONFIG_OVERRIDES_ENV} is not valid JSON: ${(cause as Error).message}`);
  }
  const parsed = RuntimeOverridesSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${CONFIG_OVERRIDES_ENV} is invalid: ${describeIssues(parsed.error)}`);
  const definitions = new Map(graph.order.map((service) => [getServiceDefinition(service).name, getServiceDefinition(service)]));
  for (const [name, overrides] of Object.entries(parsed.data)) {
    const definition = definitions.get(name);
    if (!definition) throw new ConfigError(`${CONFIG_OVERRIDES_ENV} names ${name}, which is not in this graph (its services: ${[...definitions.keys()].join(', ')})`);
    // Replaced rather than edited in place: the resolved traffic object may be shared with a default.
    if (overrides.traffic) {
      const traffic = { ...definition.options.traffic, ...overrides.traffic };
      const problems = trafficProblems(traffic);
      if (problems.length > 0) throw new ConfigError(`${CONFIG_OVERRIDES_ENV} is invalid for ${name}: ${problems.join('; ')}`);
      definition.options.traffic = traffic;
    }
    if (overrides.workers !== undefined) definition.options.workers = overrides.workers;
    if (overrides.cors) definition.options.cors = overrides.cors;
  }
}
