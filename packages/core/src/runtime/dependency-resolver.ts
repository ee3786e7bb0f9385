import { createClient } from '../client/create-client';
import type { ClientCallOptions } from '../client/call-options';
import type { DependencyResolver, DependencySpec, DependencyTarget } from '../sdk/depends';
import { ConnectionPools } from './connection-pools';
import { LocalServices } from './local-services';
import { outgoingCall } from './propagation';
import { remoteTarget } from './remote-target';
import { readServiceMap, type ServiceMap } from './service-map';

/**
 * An external deployment (`depends({ url, on })`), called through its public HTTP API, with the
 * request id and `traceparent` of the request being served, as calls inside the graph carry them.
 */
function publicApiTarget(spec: DependencySpec, url: string): DependencyTarget {
  const client = createClient(url) as unknown as Record<string, (input: unknown, options?: ClientCallOptions) => Promise<unknown> & AsyncIterable<unknown>>;
  return {
    call(method, input, options) {
      const outgoing = outgoingCall(spec.name, method, false);
      return outgoing.settle(client[method]!(input, { ...options, headers: outgoing.headers }));
    },
    stream(method, input, options) {
      const outgoing = outgoingCall(spec.name, method, false);
      return outgoing.follow(client[method]!(input, { ...options, headers: outgoing.headers }));
    },
  };
}

/**
 * How this process reaches its dependencies: `depends({ url })` through that deployment's public
 * API; a service named in the service map through its internal frames route at that address;
 * any other in this process, by `local`. Calls to one address share its pool in `pools`.
 */
export function createDependencyResolver(
  options: { serviceMap?: ServiceMap; local?: LocalServices; pools?: ConnectionPools; internalToken?: string } = {},
): DependencyResolver {
  const serviceMap = options.serviceMap ?? readServiceMap();
  const local = options.local ?? new LocalServices();
  const pools = options.pools ?? new ConnectionPools();
  return (spec) => {
    if (spec.url) return publicApiTarget(spec, spec.url);
    const address = serviceMap[spec.name];
    return address ? remoteTarget(spec, address, pools.get(address), options.internalToken) : local.target(spec.service);
  };
}
