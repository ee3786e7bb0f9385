import type { ResolvedServiceOptions } from '../config/service-options';
import { getServiceDefinition, type ServiceClass } from '../sdk/definition';
import { buildServiceGraph } from '../sdk/service-graph';

/** One service of a graph, as a build records it and a deployment renders it. */
export interface ServiceManifest {
  /** The service's name (`@service({ name })`, else the class name): unique in a graph. */
  name: string;
  /** Its options, resolved (defaults filled in): resources, traffic, workers, envs, labels… */
  options: ResolvedServiceOptions;
  /** Names of the services of this graph it calls through `depends()`. */
  dependencies: string[];
  /** Deployments it calls by URL (`depends({ url, on })`): outside the graph, never deployed with it. */
  external: Array<{ name: string; url: string }>;
  /** Its APIs' routes, for the record. */
  routes: string[];
}

/** The service graph of an entry service: what `bento build` writes into bento.yaml. */
export interface GraphManifest {
  /** The entry service's name: the one clients call. */
  entry: string;
  /** Every service of the graph, dependencies before their dependants, the entry last. */
  services: ServiceManifest[];
}

/** The graph of `entry` as plain data (no classes): services, resolved options and dependencies. */
export function graphManifest(entry: ServiceClass): GraphManifest {
  const graph = buildServiceGraph(entry);
  const services = graph.order.map((service): ServiceManifest => {
    const definition = getServiceDefinition(service);
    const specs = graph.dependencies.get(service) ?? [];
    return {
      name: definition.name,
      options: definition.options,
      dependencies: [...new Set(specs.filter((spec) => !spec.url).map((spec) => spec.name))],
      external: specs.filter((spec) => spec.url).map((spec) => ({ name: spec.name, url: spec.url! })),
      routes: definition.apis.map((api) => api.route),
    };
  });
  return { entry: getServiceDefinition(entry).name, services };
}
