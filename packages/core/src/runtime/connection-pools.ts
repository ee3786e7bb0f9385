import type { ReadinessProbe } from '../client/readiness';
import { endpointOf, Http1Pool } from './http1-pool';
import { connectTimeoutMs } from './reachability';

/** Largest response an internal call accepts. */
const MAX_RESULT_BYTES = 1024 * 1024 * 1024;

/**
 * The keep-alive pools of one process, one per service address: dependency calls and readiness
 * probes to a service share its connections, so there is one way to make an internal HTTP call.
 */
export class ConnectionPools {
  private readonly pools = new Map<string, Http1Pool>();
  /** Read once per process: a bad BENTO_CONNECT_TIMEOUT fails at startup, not at the first call. */
  private readonly connectTimeoutMs = connectTimeoutMs();

  /** The pool of `address` (`unix:///path.sock` or `http://host:port`), made on first use. */
  get(address: string): Http1Pool {
    let pool = this.pools.get(address);
    if (!pool) {
      const { endpoint, host } = endpointOf(address);
      pool = new Http1Pool(endpoint, host, MAX_RESULT_BYTES, this.connectTimeoutMs);
      this.pools.set(address, pool);
    }
    return pool;
  }

  /** A probe of the service at `address`: `GET /readyz` over its pool, undefined when it answers 200. */
  readiness(address: string): ReadinessProbe {
    return async (timeoutMs) => {
      const response = await this.get(address).get('/readyz', timeoutMs);
      return response.status === 200 ? undefined : `status ${response.status}`;
    };
  }

  /** Closes every idle connection. */
  close(): void {
    for (const pool of this.pools.values()) pool.close();
  }
}
