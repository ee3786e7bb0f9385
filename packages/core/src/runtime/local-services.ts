import { randomUUID } from 'node:crypto';
import type { ZodError } from 'zod';
import { NotFoundError, StartupError } from '../errors';
import { getServiceDefinition, type ApiDefinition, type ServiceClass } from '../sdk/definition';
import type { DependencyTarget } from '../sdk/depends';
import type { ApiContext } from '../sdk/api-context';
import { callContext } from '../sdk/call-context';
import type { CallOptions } from '../sdk/call-options';
import { runHook, type ServiceLifecycle } from '../sdk/lifecycle';
import { invalidInputError, SchemaRunner } from '../server/schema-runner';
import { applyServiceEnvs } from '../server/service-envs';
import { batchDispatcherFor } from '../server/batching/registry';

const NEVER_ABORTED = new AbortController().signal;

async function* localStream(invoke: () => Promise<unknown>): AsyncGenerator<unknown, unknown, undefined> {
  const generator = (await invoke()) as AsyncIterable<unknown> | Iterable<unknown>;
  if (Symbol.asyncIterator in Object(generator)) return yield* generator as AsyncIterable<unknown>;
  return yield* generator as Iterable<unknown>;
}

type Instance = ServiceLifecycle & Record<string, unknown>;

/**
 * Services running inside this process: one instance per class (so a diamond's shared dependency
 * is one instance). `serve()` starts them in graph order before the service reports ready; one
 * reached otherwise is started on first use. Calls go through the callee's input schema, as a
 * remote call would, so defaults and validation are the same in development and in production.
 */
export class LocalServices {
  private readonly instances = new Map<ServiceClass, Instance>();
  private readonly starts = new Map<ServiceClass, Promise<Instance>>();
  /** Services whose onStartup succeeded, in the order it did: shutdown runs the reverse. */
  private readonly started: ServiceClass[] = [];

  /** Uses `instance` for `service` instead of making one (the served entry's own instance). */
  register(service: ServiceClass, instance: Instance): void {
    if (!this.instances.has(service)) this.instances.set(service, instance);
  }

  /**
   * Starts `services` one after the other (pass them dependencies first). When one fails, those
   * already started are shut down and this rejects with a `StartupError` naming the service.
   */
  async startAll(services: readonly ServiceClass[]): Promise<void> {
    for (const service of services) {
      try {
        await this.start(service);
      } catch (cause) {
        await this.shutdown().catch(() => undefined);
        const { name } = getServiceDefinition(service);
        throw new StartupError(`Service ${name} failed to start: ${(cause as Error)?.message ?? String(cause)}`, cause);
      }
    }
  }

  /**
   * The started instance of `service`, making and starting it on first use. A failed start is
   * forgotten, so the next use tries again instead of failing forever.
   */
  start(service: ServiceClass): Promise<Instance> {
    let starting = this.starts.get(service);
    if (!starting) {
      starting = this.makeAndStart(service);
      this.starts.set(service, starting);
      const attempt = starting;
      attempt.catch(() => {
        if (this.starts.get(service) === attempt) this.starts.delete(service);
      });
    }
    return starting;
  }

  private async makeAndStart(service: ServiceClass): Promise<Instance> {
    let instance = this.instances.get(service);
    if (!instance) {
      applyServiceEnvs(getServiceDefinition(service));
      instance = new service() as Instance;
      this.instances.set(service, instance);
    }
    await runHook(instance, 'onStartup');
    this.started.push(service);
    return instance;
  }

  target(service: ServiceClass): DependencyTarget {
    const definition = getServiceDefinition(service);
    // One runner per API, so repeated calls keep its sync-or-async decision.
    const apis = new Map<string, { api: ApiDefinition; input?: SchemaRunner }>(
      definition.apis.map((api) => [api.method, { api, input: api.input && new SchemaRunner(api.input) }]),
    );
    const invalid = (method: string) => (error: ZodError) => invalidInputError(error, `input for ${definition.name}.${method}`);
    const invoke = async (method: string, input: unknown, options: CallOptions | undefined): Promise<unknown> => {
      const found = apis.get(method);
      if (!found) throw new NotFoundError(`Service ${definition.name} has no API ${method}`);
      const value = found.input ? await found.input.parse(input ?? {}, invalid(method)) : (input ?? {});
      const instance = await this.start(service);
      const ctx: ApiContext = { requestId: callContext.getStore()?.requestId ?? randomUUID(), signal: options?.signal ?? NEVER_ABORTED, headers: {}, response: { headers: new Headers() } };
      // A batchable API batches in development too, with the calls its own server routes (same instance).
      if (found.api.batching) return batchDispatcherFor(instance, found.api, { serviceName: definition.name }).submit(value, ctx);
      return (instance[method] as (input: unknown, ctx: ApiContext) => unknown).call(instance, value, ctx);
    };
    return {
      call: invoke,
      // The generator itself, delegated to: the caller's `return()` reaches it, and so do its values.
      stream: (method, input, options) => localStream(() => invoke(method, input, options)),
    };
  }

  /**
   * Runs the onShutdown of every started instance, dependants before dependencies. Every one runs
   * even when another fails; then this rejects with an `AggregateError` naming the failed ones.
   */
  async shutdown(): Promise<void> {
    const order = this.started.splice(0).reverse();
    this.starts.clear();
    const failures: Array<{ name: string; error: unknown }> = [];
    for (const service of order) {
      try {
        await runHook(this.instances.get(service)!, 'onShutdown');
      } catch (error) {
        failures.push({ name: getServiceDefinition(service).name, error });
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.error),
        `onShutdown failed in ${failures.map((f) => `${f.name} (${(f.error as Error)?.message ?? String(f.error)})`).join(', ')}`,
      );
    }
  }
}
