import { randomUUID } from 'node:crypto';
import type { ZodError } from 'zod';
import { NotFoundError } from '../errors';
import { getServiceDefinition, type ServiceClass } from '../sdk/definition';
import type { DependencyTarget } from '../sdk/depends';
import type { ApiContext } from '../server/api-handler';
import { runHook, type ServiceLifecycle } from '../server/lifecycle';
import { invalidInputError, SchemaRunner } from '../server/schema-runner';
import { applyServiceEnvs } from './service-envs';

const NEVER_ABORTED = new AbortController().signal;

/**
 * Services running inside this process: one instance per class (so a diamond's shared dependency
 * is one instance), started on first use. Calls go through the callee's input schema, as a remote
 * call would, so defaults and validation are the same in development and in production.
 */
export class LocalServices {
  private readonly instances = new Map<ServiceClass, Promise<ServiceLifecycle & Record<string, unknown>>>();
  /** Instances whose lifecycle belongs to someone else (the server that serves them). */
  private readonly adopted = new Set<ServiceClass>();

  /** The started instance of `service`, creating it (and running its onStartup) on first use. */
  instance(service: ServiceClass): Promise<ServiceLifecycle & Record<string, unknown>> {
    let started = this.instances.get(service);
    if (!started) {
      started = (async () => {
        applyServiceEnvs(getServiceDefinition(service));
        const instance = new service() as ServiceLifecycle & Record<string, unknown>;
        await runHook(instance, 'onStartup');
        return instance;
      })();
      this.instances.set(service, started);
    }
    return started;
  }

  /** Registers an instance made elsewhere (the served entry service) so it is not made twice. */
  adopt(service: ServiceClass, instance: ServiceLifecycle & Record<string, unknown>): void {
    if (this.instances.has(service)) return;
    this.instances.set(service, Promise.resolve(instance));
    this.adopted.add(service);
  }

  target(service: ServiceClass): DependencyTarget {
    const definition = getServiceDefinition(service);
    // One runner per API, so repeated calls keep its sync-or-async decision.
    const apis = new Map<string, { input?: SchemaRunner }>(
      definition.apis.map((api) => [api.method, { input: api.input && new SchemaRunner(api.input) }]),
    );
    const invalid = (method: string) => (error: ZodError) => invalidInputError(error, `input for ${definition.name}.${method}`);
    return {
      call: async (method, input, options) => {
        const found = apis.get(method);
        if (!found) throw new NotFoundError(`Service ${definition.name} has no API ${method}`);
        const value = found.input ? await found.input.parse(input ?? {}, invalid(method)) : (input ?? {});
        const instance = await this.instance(service);
        const ctx: ApiContext = { requestId: randomUUID(), signal: options?.signal ?? NEVER_ABORTED, headers: {} };
        return (instance[method] as (input: unknown, ctx: ApiContext) => unknown).call(instance, value, ctx);
      },
    };
  }

  /** Runs the onShutdown of every instance this registry started, dependants before dependencies. */
  async shutdown(): Promise<void> {
    const started = [...this.instances].filter(([service]) => !this.adopted.has(service));
    this.instances.clear();
    this.adopted.clear();
    for (const [, instance] of started.reverse()) await runHook(await instance, 'onShutdown');
  }
}
