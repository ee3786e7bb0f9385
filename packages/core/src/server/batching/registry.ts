import type { Registry } from 'prom-client';
import type { ApiDefinition } from '../../sdk/definition';
import { batchMetrics } from './batch-metrics';
import { BatchDispatcher, type BatchedMethod } from './dispatcher';

const dispatchers = new WeakMap<object, Map<string, BatchDispatcher>>();

/**
 * The one dispatcher of a batchable API of a service instance. Shared by everything that calls
 * it: the public route, the internal route other services' `depends()` reach, and in-process
 * `depends()` calls, so that calls from all of them merge into the same batches. The first to ask
 * makes it (the server, before anything calls, with its metrics).
 */
export function batchDispatcherFor(
  instance: object,
  api: ApiDefinition,
  options: { serviceName: string; onBatch?: (rows: number) => void },
): BatchDispatcher {
  let byMethod = dispatchers.get(instance);
  if (!byMethod) dispatchers.set(instance, (byMethod = new Map()));
  let dispatcher = byMethod.get(api.method);
  if (!dispatcher) {
    if (!api.batching) throw new TypeError(`API ${options.serviceName}.${api.method} is not batchable`);
    const fn = (instance as Record<string, Function>)[api.method]!;
    const method: BatchedMethod = (input, ctx) => fn.call(instance, input, ctx);
    dispatcher = new BatchDispatcher({ api: `${options.serviceName}.${api.method}`, batching: api.batching, method, onBatch: options.onBatch });
    byMethod.set(api.method, dispatcher);
  }
  return dispatcher;
}

/**
 * The dispatcher a server's route calls a batchable API through, with its batch sizes and queue in
 * the service's metrics; undefined for an API that is not batchable (its route calls the method).
 */
export function routeBatcher(options: { instance: object; api: ApiDefinition; serviceName: string; metrics: { registry: Registry } }): BatchDispatcher | undefined {
  const { api, serviceName } = options;
  if (!api.batching) return undefined;
  const metrics = batchMetrics(options.metrics.registry, serviceName);
  const dispatcher = batchDispatcherFor(options.instance, api, { serviceName, onBatch: metrics.observer(api.route) });
  metrics.watchQueue(api.route, () => dispatcher.queuedCalls);
  return dispatcher;
}
