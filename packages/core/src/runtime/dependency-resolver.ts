import type { DependencyResolver } from '../sdk/depends';
import { ConnectionPools } from './connection-pools';
import { LocalServices } from './local-services';
import { publicApiTarget } from './public-api-target';
import { remoteTarget } from './remote-target';
import type { RetryObserver } from './retry-policy';
import { readServiceMap, type ServiceMap } from './service-map';

/**
 * How this process reaches its dependencies: `depends({ url })` through that deployment's public
 * API; a service named in the service map through its internal frames route at that address;
 * any other in this process, by `local`. Calls to one address share its pool in `pools`; each
 * retry is told to `retries` (see retry-observer.ts).
 */
export function createDependencyResolver(
  options: { serviceMap?: ServiceMap; local?: LocalServices; pools?: ConnectionPools; internalToken?: string; retries?: RetryObserver } = {},
): DependencyResolver {
  const serviceMap = options.serviceMap ?? readServiceMap();
  const local = options.local ?? new LocalServices();
  const pools = options.pools ?? new ConnectionPools();
  return (spec) => {
    if (spec.url) return publicApiTarget({ ...spec, url: spec.url }, options.retries);
    const address = serviceMap[spec.name];
    return address ? remoteTarget(spec, address, pools.get(address), options.internalToken, options.retries) : local.target(spec.service);
  };
}
