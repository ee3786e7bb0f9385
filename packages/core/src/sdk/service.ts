import { describeIssues } from '../config/format-issues';
import { ServiceOptionsSchema, type ServiceOptions } from '../config/service-options';
import { trafficProblems } from '../config/traffic-consistency';
import { ConfigError } from '../errors';
import { isReservedRoute } from './built-in-routes';
import {
  API_OPTIONS,
  SERVICE_DEFINITION,
  type ApiDefinition,
  type ApiOptions,
  type ServiceDefinition,
} from './definition';
import type { BatchingOptions } from './batching-options';
import { isGeneratorFunction } from './generator-function';


type MarkedMethod = ApiOptions & { method: string; batching?: BatchingOptions };

function collectApis(cls: Function, serviceName: string): ApiDefinition[] {
  const apis: ApiDefinition[] = [];
  const seenMethods = new Set<string>();
  // Walk the prototype chain so APIs declared on a base class are served too; the most derived wins.
  for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || seenMethods.has(key)) continue;
      const value = Object.getOwnPropertyDescriptor(proto, key)?.value;
      const marked = typeof value === 'function' ? (value[API_OPTIONS] as MarkedMethod | undefined) : undefined;
      if (!marked) continue;
      seenMethods.add(key);
      apis.push({
        method: key,
        name: marked.name ?? key,
        route: marked.route ?? `/${key}`,
        input: marked.input,
        output: marked.output,
        doc: marked.doc,
        streaming: isGeneratorFunction(value),
        ...(marked.batching ? { batching: marked.batching } : {}),
        idempotent: marked.idempotent === true,
      });
    }
  }
  const byRoute = new Map<string, string>();
  for (const a of apis) {
    if (isReservedRoute(a.route)) {
      throw new ConfigError(`Service ${serviceName}: API ${a.method} cannot use the reserved route ${a.route}`);
    }
    const other = byRoute.get(a.route);
    if (other) throw new ConfigError(`Service ${serviceName}: APIs ${other} and ${a.method} both use route ${a.route}`);
    byRoute.set(a.route, a.method);
  }
  return apis;
}

/**
 * Declares a class as a Bento Service. Options are validated now, so a typo fails at import time
 * with the service name, the option path and what was expected.
 *
 * @example
 * ```ts
 * @service({ name: 'Describe', traffic: { timeout: 30, max_concurrency: 8 } })
 * export class Describe { ... }
 * ```
 */
export function service(options: ServiceOptions = {}) {
  return function serviceDecorator<C extends abstract new (...args: never[]) => unknown>(cls: C, context?: unknown): void {
    if (typeof cls !== 'function') throw new ConfigError('@service() can only decorate a class');
    if (context !== undefined && (context as ClassDecoratorContext).kind !== 'class') {
      throw new ConfigError('@service() can only decorate a class');
    }
    const displayName = (options && typeof options === 'object' && typeof options.name === 'string' && options.name) || cls.name;
    const parsed = ServiceOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(`Invalid options for service ${displayName}: ${describeIssues(parsed.error)}`);
    }
    const resolved = parsed.data;
    const problems = trafficProblems(resolved.traffic);
    if (problems.length > 0) throw new ConfigError(`Invalid options for service ${displayName}: ${problems.join('; ')}`);
    const name = resolved.name ?? cls.name;
    if (!name) throw new ConfigError('@service() on an anonymous class needs a name option');
    const definition: ServiceDefinition = { name, options: resolved, apis: collectApis(cls, name) };
    Object.defineProperty(cls, SERVICE_DEFINITION, { value: definition, enumerable: false });
  };
}
