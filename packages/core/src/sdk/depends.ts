import { checkCallOptions, settleOrAbort } from '../wire/call-signal';
import { lazyStream } from '../wire/lazy-stream';
import type { CallOptions } from './call-options';
import { describeValue } from '../errors';
import { getServiceDefinition, isServiceClass, type ServiceClass } from './definition';
import { retryPolicyOf, type DependencyOptions, type RetryPolicy } from './dependency-retry';
import type { ServiceMethods } from './service-methods';

/** What a `depends()` field stands for: a service class, and a URL when it is an external deployment. */
export interface DependencySpec {
  readonly service: ServiceClass;
  readonly name: string;
  readonly url?: string;
  /** How its calls are retried (`depends(S, { retry })`); absent: `DEFAULT_RETRY_POLICY`. */
  readonly retry?: RetryPolicy;
}

/**
 * A dependency as its user sees it: the service's API methods, typed as the class declares them
 * (see `ServiceMethods`), each taking optional `CallOptions` (an abort signal) after its input.
 */
export type Dependency<S extends ServiceClass> = ServiceMethods<S, CallOptions>;

/** Calls a dependency's method, wherever it runs. Provided by the runtime (see runtime/dependency-resolver.ts). */
export interface DependencyTarget {
  /** `options.signal`, when given, should cancel the call's work; the proxy rejects on abort regardless. */
  call(method: string, input: unknown, options?: CallOptions): Promise<unknown>;
  /**
   * The values of a streaming API (a generator method), as they come. Called when the caller starts
   * iterating; leaving the loop early or aborting `options.signal` must cancel the callee's work.
   */
  stream(method: string, input: unknown, options?: CallOptions): AsyncIterable<unknown>;
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

function specOf(target: unknown, options: DependencyOptions | undefined): DependencySpec {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`Expected an options object ({ retry }) as the second argument of depends() but received ${describeValue(options)}`);
  }
  if (isServiceClass(target)) {
    const name = getServiceDefinition(target).name;
    return { service: target, name, retry: retryPolicyOf(options?.retry, `depends(${name})`) };
  }
  if (typeof target === 'object' && target !== null && 'on' in target) {
    const { url, on, retry } = target as { url?: unknown; on: unknown; retry?: unknown };
    if (!isServiceClass(on)) {
      throw new TypeError(`Expected a class decorated with @service() for depends({ on }) but received ${describeValue(on)}`);
    }
    if (typeof url !== 'string' || !/^(https?:\/\/|unix:\/\/)/.test(url)) {
      throw new TypeError(`Expected an http://, https:// or unix:// URL for depends({ url }) but received ${describeValue(url)}`);
    }
    const name = getServiceDefinition(on).name;
    if (retry !== undefined && options?.retry !== undefined) {
      throw new TypeError(`depends({ on: ${name} }): give retry once, in the object or in the options, not in both`);
    }
    return { service: on, name, url, retry: retryPolicyOf(retry ?? options?.retry, `depends({ on: ${name} })`) };
  }
  const what = typeof target === 'function' ? `class ${target.name || '(anonymous)'}, which is not decorated with @service()` : describeValue(target);
  throw new TypeError(`Expected a service class (decorated with @service()) or { url, on: ServiceClass } for depends() but received ${what}`);
}

/** Node's `util.inspect` looks for this on the proxy's target (it does not go through the proxy). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Declares that a service calls another one. Use it as a class field; call the field's methods as
 * if the other service were a local object. Where the other service runs (same process, another
 * process, another host) is the runtime's business: the calling code does not change.
 *
 * The field has the other service's API methods and nothing else: any other property is
 * `undefined`, so serializing, printing or awaiting the field never makes a call. Each method takes
 * optional `CallOptions` after its input (`{ signal }`). A streaming API (a generator method) gives
 * an `AsyncIterable` of its values: iterate it with `for await`; leaving the loop cancels the call.
 *
 * @example
 * ```ts
 * @service()
 * class ControlNet {
 *   sdxl = depends(SDXLControlNetService);
 *   @api() async generate(input: Input, ctx: ApiContext) { return this.sdxl.generate({ ...input }, { signal: ctx.signal }); }
 * }
 * // or an existing deployment: depends({ url: 'http://sdxl.internal:3000', on: SDXLControlNetService })
 * // retries (default 3 tries, see docs/distributed-services.md): depends(SDXLControlNetService, { retry: { attempts: 5 } })
 * ```
 */
export function depends<S extends ServiceClass>(target: S | ({ url: string; on: S } & DependencyOptions), options?: DependencyOptions): Dependency<S> {
  const spec = specOf(target, options);
  runtime().discovering?.push(spec);
  let resolved: DependencyTarget | undefined;
  const resolve = (): DependencyTarget => {
    if (resolved) return resolved;
    const resolver = runtime().resolver;
    if (!resolver) throw new Error(`No runtime to reach dependency ${spec.name}: serve the service with bento serve or serve()`);
    return (resolved = resolver(spec));
  };
  const methods = new Map<string, (input?: unknown, options?: CallOptions) => Promise<unknown> | AsyncIterable<unknown>>();
  for (const { method, streaming } of getServiceDefinition(spec.service).apis) {
    // Not a thenable, even with an API named `then`: `await this.dep` must not make a call.
    if (method === 'then') continue;
    if (streaming) {
      // Checked at once (a wrong argument is the caller's bug), started by the first `next()`.
      methods.set(method, (input, options) => {
        checkCallOptions(options, `${spec.name}.${method}()`);
        return lazyStream(() => {
          options?.signal?.throwIfAborted();
          return resolve().stream(method, input, options);
        });
      });
      continue;
    }
    methods.set(method, (input, options) => {
      try {
        checkCallOptions(options, `${spec.name}.${method}()`);
        options?.signal?.throwIfAborted();
        return settleOrAbort(resolve().call(method, input, options), options?.signal);
      } catch (error) {
        return Promise.reject(error);
      }
    });
  }
  const label = `[Dependency ${spec.name}]`;
  const describe = () => label;
  const shell = Object.create(null) as object;
  Object.defineProperty(shell, INSPECT, { value: describe });
  return new Proxy(shell, {
    get(_target, property) {
      if (property === DEPENDENCY_SPEC) return spec;
      if (typeof property === 'string') return methods.get(property) ?? (property === 'toString' ? describe : undefined);
      return property === Symbol.toPrimitive || property === INSPECT ? describe : undefined;
    },
    has(_target, property) {
      return typeof property === 'string' && methods.has(property);
    },
  }) as Dependency<S>;
}
