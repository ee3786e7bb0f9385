import type { ServiceClass } from '../sdk/definition';
import { setDependencyResolver } from '../sdk/depends';
import { buildServiceGraph, type ServiceGraph } from '../sdk/service-graph';
import { ServiceServer, type ServerOptions } from '../server/create-server';
import { createDependencyResolver } from './dependency-resolver';
import { LocalServices } from './local-services';
import { parseServiceMap, readServiceMap, type ServiceMap } from './service-map';
import { INTERNAL_TOKEN_ENV } from '../server/frames-codec';

/** Options of `serve()`. */
export interface ServeOptions extends Omit<ServerOptions, 'lifecycle'> {
  /** Port to listen on; 0 picks a free one. Default: env PORT, else 3000. */
  port?: number;
  /** Interface to bind. Default 0.0.0.0. */
  host?: string;
  /** Listen on this Unix socket instead of a TCP port. */
  socket?: string;
  /** Where the dependencies listen (name → address); default env BENTO_SERVICE_MAP. Others run in-process. */
  serviceMap?: ServiceMap;
}

/** A service being served. `close()` drains in-flight requests and stops it. */
export interface RunningService {
  /** `http://host:port`, or `unix:///path.sock` for a socket. */
  readonly url: string;
  readonly server: ServiceServer;
  close(): Promise<void>;
}

/**
 * The services of the graph that run in this process, dependencies first, the entry last: those
 * reached through `depends()` without a URL and not named in the service map (a mapped service is
 * its own process; what it calls is its own business).
 */
function inProcessServices(graph: ServiceGraph, serviceMap: ServiceMap): ServiceClass[] {
  const local = new Set<ServiceClass>([graph.entry]);
  const visit = (service: ServiceClass): void => {
    for (const spec of graph.dependencies.get(service) ?? []) {
      if (spec.url || serviceMap[spec.name] || local.has(spec.service)) continue;
      local.add(spec.service);
      visit(spec.service);
    }
  };
  visit(graph.entry);
  return graph.order.filter((service) => local.has(service));
}

/**
 * Serves one service class over HTTP and resolves once it is listening and started: its
 * in-process dependencies' `onStartup` first, in graph order, then its own. Its `depends()` fields
 * reach services named in `BENTO_SERVICE_MAP` over HTTP and run every other dependency in this
 * process (one instance per service class). A failed startup rejects with a `StartupError` after
 * closing the server.
 *
 * @example
 * ```ts
 * const running = await serve(Describe, { port: 0 });
 * console.log(running.url);
 * await running.close();
 * ```
 */
export async function serve(serviceClass: ServiceClass, options: ServeOptions = {}): Promise<RunningService> {
  // Rejects dependency cycles and duplicate service names before anything starts.
  const graph = buildServiceGraph(serviceClass);
  const serviceMap = options.serviceMap ? parseServiceMap(options.serviceMap, 'The serviceMap option') : readServiceMap();
  const local = new LocalServices();
  setDependencyResolver(createDependencyResolver({ local, serviceMap, internalToken: options.internalToken ?? process.env[INTERNAL_TOKEN_ENV] }));
  // /readyz includes the services this one calls remotely (directly; they include theirs).
  const dependencies: Record<string, string> = {};
  for (const spec of graph.dependencies.get(serviceClass) ?? []) {
    if (!spec.url && serviceMap[spec.name]) dependencies[spec.name] = serviceMap[spec.name]!;
  }
  const startOrder = inProcessServices(graph, serviceMap);
  const server = new ServiceServer(serviceClass, {
    dependencies,
    ...options,
    lifecycle: (instance) => {
      local.register(serviceClass, instance);
      return { start: () => local.startAll(startOrder), stop: () => local.shutdown() };
    },
  });
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const url = await server.listen(options.socket ? { socket: options.socket } : { port, host: options.host });
  return { url, server, close: () => server.close() };
}
