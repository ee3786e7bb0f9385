import { runHook, type ServiceLifecycle } from '../sdk/lifecycle';

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
