import type { ServiceClass } from '../sdk/definition';
import { setDependencyResolver } from '../sdk/depends';
import { buildServiceGraph, type ServiceGraph } from '../sdk/service-graph';
import { ServiceServer, type ServerOptions } from '../server/create-server';
import { createDependencyResolver } from './dependency-resolver';
import { retryObserver } from './retry-observer';
import { ConnectionPools } from './connection-pools';
import { LocalServices } from './local-services';
import { flushTracing, startTracingFromEnv } from './otlp-tracing';
import { parseServiceMap, readServiceMap, type ServiceMap } from './service-map';
import { INTERNAL_TOKEN_ENV } from '../wire/internal-route';

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

/** Readiness probes timing out after this long count as "not ready". */
const PROBE_TIMEOUT_MS = 1000;

/**
 * What /readyz adds for the services `service` calls remotely (directly; they include theirs): the
 * first whose /readyz does not answer 200, probed over the pool its calls use.
 */
function remoteReadiness(graph: ServiceGraph, service: ServiceClass, serviceMap: ServiceMap, pools: ConnectionPools): () => Promise<string | undefined> {
  const remote = (graph.dependencies.get(service) ?? []).filter((spec) => !spec.url && serviceMap[spec.name]);
  const probes = remote.map((spec) => ({ name: spec.name, probe: pools.readiness(serviceMap[spec.name]!) }));
  return async () => {
    const problems = await Promise.all(probes.map(({ probe }) => probe(PROBE_TIMEOUT_MS).catch(() => 'no answer')));
    const index = problems.findIndex((problem) => problem !== undefined);
    return index === -1 ? undefined : `not ready: dependency ${probes[index]!.name} is not ready`;
  };
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
  const pools = new ConnectionPools();
  const startOrder = inProcessServices(graph, serviceMap);
  const server = new ServiceServer(serviceClass, {
    checkDependencies: remoteReadiness(graph, serviceClass, serviceMap, pools),
    ...options,
    lifecycle: (instance) => {
      local.register(serviceClass, instance);
      return { start: () => local.startAll(startOrder), stop: () => local.shutdown() };
    },
  });
  // OTEL_TRACES_EXPORTER=otlp: before the first request, so it is a span too.
  startTracingFromEnv(server.definition.name, server.logger);
  // After the server, for its logger and metrics (retries are shown there); depends() resolves on first call.
  const retries = retryObserver(server.logger, server.metrics.registry, server.definition.name);
  setDependencyResolver(createDependencyResolver({ local, pools, serviceMap, internalToken: options.internalToken ?? process.env[INTERNAL_TOKEN_ENV], retries }));
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const url = await server.listen(options.socket ? { socket: options.socket } : { port, host: options.host });
  return {
    url,
    server,
    close: async () => {
      try {
        await server.close();
      } finally {
        pools.close();
        // The spans of the last requests, before the process exits.
        await flushTracing(server.logger);
      }
    },
  };
}
