/**
 * Optional hooks a service class may define. `onStartup` runs before the service reports ready
 * (load models here); `onShutdown` runs after in-flight requests have drained.
 */
export interface ServiceLifecycle {
  onStartup?(): unknown;
  onShutdown?(): unknown;
}

/** Runs one hook of `instance`, when the class defines it. */
export async function runHook(instance: ServiceLifecycle, hook: keyof ServiceLifecycle): Promise<void> {
  const fn = instance[hook];
  if (typeof fn === 'function') await fn.call(instance);
}
