import { ConfigError, describeValue } from '../errors';
import type { ApiContext } from './api-context';
import type { ApiInput } from './api-input';
import { resolveBatching } from './batching-options';
import { API_OPTIONS, type ApiOptions, type Schema } from './definition';
import { isGeneratorFunction } from './generator-function';

const ROUTE_PATTERN = /^\/[A-Za-z0-9_\-./]*$/;

function isZodSchema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function checkApiOptions(options: ApiOptions, method: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`@api() on ${method}: expected an options object but received ${String(options)}`);
  }
  for (const key of ['input', 'output'] as const) {
    if (options[key] !== undefined && !isZodSchema(options[key])) {
      throw new ConfigError(`@api() on ${method}: expected a zod schema for ${key}`);
    }
  }
  if (options.idempotent !== undefined && typeof options.idempotent !== 'boolean') {
    throw new ConfigError(`@api() on ${method}: expected idempotent to be true or false but received ${describeValue(options.idempotent)}`);
  }
  if (options.route !== undefined && (typeof options.route !== 'string' || !ROUTE_PATTERN.test(options.route))) {
    throw new ConfigError(
      `@api() on ${method}: expected route to be a path like "/generate" but received ${JSON.stringify(options.route)}`,
    );
  }
}

/**
 * The methods `@api` accepts for an input schema `I`: the first parameter takes what the server
 * hands it after parsing (`z.output<I>`; without a schema, anything), the second the call's
 * `ApiContext`. A method whose parameter disagrees with the schema is then a compile error at the
 * decorator, not a surprise at run time.
 */
export type ApiMethod<I extends Schema | undefined> = (
  // `never` where there may be no schema: every parameter type accepts it, so any method fits.
  // Not distributive: options typed `ApiOptions` (input `Schema | undefined`) check nothing.
  input: [I] extends [Schema] ? ApiInput<I> : never,
  ctx: ApiContext,
) => unknown;

/**
 * What `@api(...)` returns: a method decorator for TypeScript 5 standard decorators and for the
 * legacy `experimentalDecorators`, typed in both so the schema check works with either tsconfig.
 */
export interface ApiDecorator<I extends Schema | undefined> {
  <This, M extends ApiMethod<I>>(method: M, context: ClassMethodDecoratorContext<This, M>): void;
  <M extends ApiMethod<I>>(prototype: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void;
}

/**
 * Marks a method of a service class as an HTTP API. The method takes one object argument, which is
 * validated against `input` before the method runs; the method's parameter type must accept what
 * `input` parses to. Type the parameter `ApiInput<typeof schema>` so that clients and `depends()`
 * callers may leave out fields that have defaults.
 *
 * @example
 * ```ts
 * const Shout = z.object({ text: z.string(), times: z.number().default(1) });
 *
 * @api({ input: Shout })
 * async shout({ text, times }: ApiInput<typeof Shout>) { return { text: text.toUpperCase().repeat(times) }; }
 * ```
 */
export function api<I extends Schema | undefined = undefined>(options: ApiOptions<I> = {}): ApiDecorator<I> {
  // Accepts both TypeScript 5 standard decorators (value, context) and legacy
  // `experimentalDecorators` (prototype, key, descriptor), so a user's tsconfig does not matter.
  return function apiDecorator(target: unknown, contextOrKey: unknown, descriptor?: PropertyDescriptor): void {
    let method: unknown;
    let name: string;
    if (typeof contextOrKey === 'object' && contextOrKey !== null && 'kind' in contextOrKey) {
      const context = contextOrKey as ClassMethodDecoratorContext;
      if (context.kind !== 'method' || context.static) {
        throw new ConfigError(`@api() can only decorate instance methods, not ${String(context.name)}`);
      }
      method = target;
      name = String(context.name);
    } else {
      method = descriptor?.value;
      name = String(contextOrKey);
    }
    if (typeof method !== 'function') throw new ConfigError(`@api() on ${name}: expected a method`);
    checkApiOptions(options, name);
    const batching = resolveBatching(options, name);
    if (batching && isGeneratorFunction(method as Function)) {
      throw new ConfigError(`@api() on ${name}: a generator method streams its values and cannot be batchable`);
    }
    Object.defineProperty(method, API_OPTIONS, { value: { ...options, method: name, batching }, enumerable: false });
  };
}
