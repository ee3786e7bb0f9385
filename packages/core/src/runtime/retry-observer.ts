import { Counter, type Registry } from 'prom-client';
import { callContext } from '../sdk/call-context';
import type { Logger } from '../server/logger';
import type { RetryObserver } from './retry-policy';

/**
 * How a service shows the retries of its `depends()` calls: a warn line each (retries are the first
 * sign of a sick dependency) and the counter `bento_dependency_retries_total` on its /metrics, by
 * dependency, method and why the call could be sent again (`not_started`: the callee provably never
 * ran it; `idempotent`: it may have, and the API allows running it twice). Retries are rare: the
 * cost of prom-client's own counter does not matter here.
 */
export function retryObserver(logger: Logger, registry: Registry, serviceName: string): RetryObserver {
  const counter = new Counter({
    name: 'bento_dependency_retries_total',
    help: "Calls to dependencies sent again, by dependency, method and kind (not_started or idempotent)",
    labelNames: ['service_name', 'dependency', 'method', 'kind'] as const,
    registers: [registry],
  });
  return {
    retrying({ dependency, method }, attempt, failure, delayMs) {
      const kind = failure.safety === 'safe' ? 'not_started' : 'idempotent';
      counter.inc({ service_name: serviceName, dependency, method, kind });
      logger.warn(
        { dependency, method, attempt, kind, next_in_ms: Math.round(delayMs), reason: failure.error.message, request_id: callContext.getStore()?.requestId },
        `call to ${dependency}.${method} failed; retrying`,
      );
    },
  };
}
