import { ConfigError } from '../errors';
import { getServiceDefinition, type ServiceClass } from './definition';
import { recordDependencies, type DependencySpec } from './depends';

/** The services an entry service needs, each once, dependencies before their dependants. */
export interface ServiceGraph {
  entry: ServiceClass;
  /** Every service of the graph, dependencies first; external (URL) dependencies are not in it. */
  order: ServiceClass[];
  /** The `depends()` fields of each service of the graph. */
  dependencies: Map<ServiceClass, DependencySpec[]>;
}

const discovered = new WeakMap<ServiceClass, DependencySpec[]>();

/**
 * The `depends()` fields of a service class. Field initialisers only run when an instance is made,
 * so the class is constructed once with dependency recording on: constructors must be cheap (load
 * models in `onStartup`, not in the constructor).
 */
export function dependenciesOf(service: ServiceClass): DependencySpec[] {
  const known = discovered.get(service);
  if (known) return known;
  const { name } = getServiceDefinition(service);
  let specs: DependencySpec[];
  try {
    specs = recordDependencies(() => new service());
  } catch (cause) {
    throw new ConfigError(`Cannot collect the dependencies of service ${name}: its constructor threw (${(cause as Error)?.message}). Do heavy work in onStartup(), not in the constructor.`);
  }
  discovered.set(service, specs);
  return specs;
}

/**
 * Collects the graph of services reachable from `entry` through `depends()`: chains of any length
 * and diamonds (a service reached twice is one node). A cycle is an error that prints it; two
 * different classes with one service name are an error too.
 */
export function buildServiceGraph(entry: ServiceClass): ServiceGraph {
  const order: ServiceClass[] = [];
  const dependencies = new Map<ServiceClass, DependencySpec[]>();
  const byName = new Map<string, ServiceClass>();
  const done = new Set<ServiceClass>();
  const path: ServiceClass[] = [];

  const visit = (service: ServiceClass): void => {
    const { name } = getServiceDefinition(service);
    const sameName = byName.get(name);
    if (sameName && sameName !== service) {
      throw new ConfigError(`Two different services are named ${name}; service names must be unique in a graph`);
    }
    byName.set(name, service);
    if (done.has(service)) return;
    const at = path.indexOf(service);
    if (at !== -1) {
      const cycle = [...path.slice(at), service].map((s) => getServiceDefinition(s).name);
      throw new ConfigError(`Dependency cycle: ${cycle.join(' → ')}`, { cycle });
    }
    path.push(service);
    const specs = dependenciesOf(service);
    dependencies.set(service, specs);
    for (const spec of specs) if (!spec.url) visit(spec.service);
    path.pop();
    done.add(service);
    order.push(service);
  };
  visit(entry);
  return { entry, order, dependencies };
}
