import type { ServiceClass } from '../sdk/definition';
import { setDependencyResolver } from '../sdk/depends';
import { buildServiceGraph } from '../sdk/service-graph';
import { ServiceServer, type ServerOptions } from '../server/create-server';
import { createDependencyResolver } from './dependency-resolver';
import { LocalServices } from './local-services';
import { readServiceMap, type ServiceMap } from './service-map';
import { INTERNAL_TOKEN_ENV } from '../server/frames-codec';

/** Options of `serve()`. */
export interface ServeOptions extends ServerOptions {
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
 * Serves one service class over HTTP and resolves once it is listening and its `onStartup` has run.
 * Its `depends()` fields reach services named in `BENTO_SERVICE_MAP` over HTTP and run every other
 * dependency in this process (one instance per service class).
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
  const serviceMap = options.serviceMap ?? readServiceMap();
  const local = new LocalServices();
  setDependencyResolver(createDependencyResolver({ local, serviceMap, internalToken: options.internalToken ?? process.env[INTERNAL_TOKEN_ENV] }));
  // /readyz includes the services this one calls remotely (directly; they include theirs).
  const dependencies: Record<string, string> = {};
  for (const spec of graph.dependencies.get(serviceClass) ?? []) {
    if (!spec.url && serviceMap[spec.name]) dependencies[spec.name] = serviceMap[spec.name]!;
  }
  const server = new ServiceServer(serviceClass, { dependencies, ...options });
  local.adopt(serviceClass, server.instance);
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const url = await server.listen(options.socket ? { socket: options.socket } : { port, host: options.host });
  return {
    url,
    server,
    close: async () => {
      await server.close();
      await local.shutdown();
    },
  };
}
