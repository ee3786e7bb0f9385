import { createClient } from '../client/create-client';
import type { DependencyResolver, DependencyTarget } from '../sdk/depends';
import { LocalServices } from './local-services';
import { readServiceMap, type ServiceMap } from './service-map';

/** A dependency reached over HTTP. */
function remoteTarget(url: string): DependencyTarget {
  const client = createClient(url) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  return { call: (method, input) => client[method]!(input) };
}

/**
 * How this process reaches its dependencies: a `depends({ url })` goes to its URL; a service named
 * in the service map to its address; any other is served in-process by `local`.
 */
export function createDependencyResolver(options: { serviceMap?: ServiceMap; local?: LocalServices } = {}): DependencyResolver {
  const serviceMap = options.serviceMap ?? readServiceMap();
  const local = options.local ?? new LocalServices();
  return (spec) => {
    const address = spec.url ?? serviceMap[spec.name];
    if (address?.startsWith('unix://')) {
      throw new Error(`Service ${spec.name} is at ${address}: calls over Unix sockets are not supported yet`);
    }
    return address ? remoteTarget(address) : local.target(spec.service);
  };
}
