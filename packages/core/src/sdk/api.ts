import { ConfigError } from '../errors';
import { API_OPTIONS, type ApiOptions } from './definition';

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
  if (options.route !== undefined && (typeof options.route !== 'string' || !ROUTE_PATTERN.test(options.route))) {
    throw new ConfigError(
      `@api() on ${method}: expected route to be a path like "/generate" but received ${JSON.stringify(options.route)}`,
    );
  }
}

/**
 * Marks a method of a service class as an HTTP API. The method takes one object argument, which is
 * validated against `input` before the method runs.
 *
 * @example
 * ```ts
 * @api({ input: z.object({ text: z.string() }) })
 * async shout({ text }: { text: string }) { return { text: text.toUpperCase() }; }
 * ```
 */
export function api(options: ApiOptions = {}) {
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
    Object.defineProperty(method, API_OPTIONS, { value: { ...options, method: name }, enumerable: false });
  };
}
