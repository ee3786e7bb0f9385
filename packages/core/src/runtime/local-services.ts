import { randomUUID } from 'node:crypto';
import { issueDetails } from '../config/format-issues';
import { NotFoundError, ValidationError } from '../errors';
import { getServiceDefinition, type ApiDefinition, type ServiceClass } from '../sdk/definition';
import type { DependencyTarget } from '../sdk/depends';
import type { ApiContext } from '../server/api-handler';
import { runHook, type ServiceLifecycle } from '../server/lifecycle';
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
    const apis = new Map<string, ApiDefinition>(definition.apis.map((api) => [api.method, api]));
    return {
      call: async (method, input) => {
        const api = apis.get(method);
        if (!api) throw new NotFoundError(`Service ${definition.name} has no API ${method}`);
        let value: unknown = input ?? {};
        if (api.input) {
          const parsed = await api.input.safeParseAsync(value);
          if (!parsed.success) {
            const details = issueDetails(parsed.error);
            throw new ValidationError(`Invalid input for ${definition.name}.${method}: ${details[0]?.path ? `${details[0].path}: ` : ''}${details[0]?.message}`, details);
          }
          value = parsed.data;
        }
        const instance = await this.instance(service);
        const ctx: ApiContext = { requestId: randomUUID(), signal: NEVER_ABORTED, headers: {} };
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
