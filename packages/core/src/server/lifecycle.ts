/**
 * Optional hooks a service class may define. `onStartup` runs before the service reports ready
 * (load models here); `onShutdown` runs after in-flight requests have drained.
 */
export interface ServiceLifecycle {
  onStartup?(): unknown;
  onShutdown?(): unknown;
}

export async function runHook(instance: ServiceLifecycle, hook: keyof ServiceLifecycle): Promise<void> {
  const fn = instance[hook];
  if (typeof fn === 'function') await fn.call(instance);
}

/**
 * What a server runs once it listens, before it reports ready (`start`), and after it drained
 * (`stop`). `serve()` starts the service's in-process dependencies here too, in graph order.
 */
export interface LifecycleRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The hooks of one instance, nothing else: what a bare `ServiceServer` runs. */
export function instanceLifecycle(instance: ServiceLifecycle): LifecycleRunner {
  return {
    start: () => runHook(instance, 'onStartup'),
    stop: () => runHook(instance, 'onShutdown'),
  };
}
