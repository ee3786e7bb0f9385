import { describeValue, getServiceDefinition, isServiceClass, type ServiceClass } from './definition';
import type { ServiceMethods } from './service-methods';

/** What a `depends()` field stands for: a service class, and a URL when it is an external deployment. */
export interface DependencySpec {
  readonly service: ServiceClass;
  readonly name: string;
  readonly url?: string;
}

/** A dependency as its user sees it: the service's API methods, typed as the class declares them. */
export type Dependency<S extends ServiceClass> = ServiceMethods<S>;

/** Calls a dependency's method, wherever it runs. Provided by the runtime (see runtime/dependency-resolver.ts). */
export interface DependencyTarget {
  call(method: string, input: unknown): Promise<unknown>;
}

export type DependencyResolver = (spec: DependencySpec) => DependencyTarget;

const DEPENDENCY_SPEC = Symbol.for('bento.dependency.spec');
// Symbol.for so that every copy of the package shares the resolver and the discovery list.
const RUNTIME = Symbol.for('bento.dependency.runtime');

interface DependencyRuntime {
  resolver?: DependencyResolver;
  /** Set while the graph builder constructs a class to see its `depends()` fields. */
  discovering?: DependencySpec[];
}

function runtime(): DependencyRuntime {
  const global = globalThis as unknown as Record<symbol, DependencyRuntime | undefined>;
  return (global[RUNTIME] ??= {});
}

/** Installs how dependencies are reached in this process (the runtime does this at startup). */
export function setDependencyResolver(resolver: DependencyResolver | undefined): void {
  runtime().resolver = resolver;
}

/** Runs `construct` while recording every `depends()` call it makes; returns what was recorded. */
export function recordDependencies(construct: () => void): DependencySpec[] {
  const state = runtime();
  const previous = state.discovering;
  const recorded: DependencySpec[] = [];
  state.discovering = recorded;
  try {
    construct();
  } finally {
    state.discovering = previous;
  }
  return recorded;
}

/** The spec behind a `depends()` proxy, or undefined for any other value. */
export function dependencySpecOf(value: unknown): DependencySpec | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<symbol, DependencySpec | undefined>)[DEPENDENCY_SPEC] : undefined;
}

function specOf(target: unknown): DependencySpec {
  if (isServiceClass(target)) return { service: target, name: getServiceDefinition(target).name };
  if (typeof target === 'object' && target !== null && 'on' in target) {
    const { url, on } = target as { url?: unknown; on: unknown };
    if (!isServiceClass(on)) {
      throw new TypeError(`Expected a class decorated with @service() for depends({ on }) but received ${describeValue(on)}`);
    }
    if (typeof url !== 'string' || !/^(https?:\/\/|unix:\/\/)/.test(url)) {
      throw new TypeError(`Expected an http://, https:// or unix:// URL for depends({ url }) but received ${describeValue(url)}`);
    }
    return { service: on, name: getServiceDefinition(on).name, url };
  }
  const what = typeof target === 'function' ? `class ${target.name || '(anonymous)'}, which is not decorated with @service()` : describeValue(target);
  throw new TypeError(`Expected a service class (decorated with @service()) or { url, on: ServiceClass } for depends() but received ${what}`);
}

/**
 * Declares that a service calls another one. Use it as a class field; call the field's methods as
 * if the other service were a local object. Where the other service runs (same process, another
 * process, another host) is the runtime's business: the calling code does not change.
 *
 * @example
 * ```ts
 * @service()
 * class ControlNet {
 *   sdxl = depends(SDXLControlNetService);
 *   @api() async generate(input: Input) { return this.sdxl.generate({ ...input }); }
 * }
 * // or an existing deployment: depends({ url: 'http://sdxl.internal:3000', on: SDXLControlNetService })
 * ```
 */
export function depends<S extends ServiceClass>(target: S | { url: string; on: S }): Dependency<S> {
  const spec = specOf(target);
  runtime().discovering?.push(spec);
  let resolved: DependencyTarget | undefined;
  const resolve = (): DependencyTarget => {
    if (resolved) return resolved;
    const resolver = runtime().resolver;
    if (!resolver) throw new Error(`No runtime to reach dependency ${spec.name}: serve the service with bento serve or serve()`);
    return (resolved = resolver(spec));
  };
  return new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (property === DEPENDENCY_SPEC) return spec;
      // Not a thenable: `await this.dep` must not call a `then` API.
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (input?: unknown) => {
        try {
          return resolve().call(property, input);
        } catch (error) {
          return Promise.reject(error);
        }
      };
    },
  }) as Dependency<S>;
}
