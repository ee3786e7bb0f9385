import type { z } from 'zod';
import { describeValue } from '../errors';
import type { ResolvedServiceOptions } from '../config/service-options';
import type { BatchingOptions } from './batching-options';

/** The property under which `@service` stores a class's definition. `Symbol.for` so that two copies of the package agree. */
export const SERVICE_DEFINITION = Symbol.for('bento.service.definition');
/** The property under which `@api` marks a method, until `@service` collects it. */
export const API_OPTIONS = Symbol.for('bento.api.options');

/** Anything that can be a schema: a zod type. */
export type Schema = z.ZodType;

/**
 * Options of `@api(...)`. `I` is the type of the input schema, so that `@api` can check the
 * method's parameter against it.
 */
export interface ApiOptions<I extends Schema | undefined = Schema | undefined> {
  /** Schema of the method's one argument. Without it the body is passed through unchecked. */
  input?: I;
  /** Schema the result is checked against before it is sent (a mismatch is a 500: a bug in the service). */
  output?: Schema;
  /** HTTP route, default `/<method name>`. */
  route?: string;
  /** Name of the API in the OpenAPI document and the client, default the method name. */
  name?: string;
  /** Description shown in the API docs. */
  doc?: string;
  /**
   * Adaptive batching: concurrent calls (HTTP and `depends()`) are merged into one call of the
   * method, and its result is split back by each caller's size. Each caller's input is itself a
   * batch: a Tensor (joined along `batch_dim`) or an array (joined on its first level); the whole
   * input, or its field `batch_field`. See docs/batching.md. Not for generator methods.
   */
  batchable?: boolean;
  /** The Tensor dimension calls are joined along. Default 0. */
  batch_dim?: number;
  /** The most rows one call of the method receives. Default 100. */
  max_batch_size?: number;
  /** The longest a call may wait in the batch queue plus run, else 503. Default 10000. */
  max_latency_ms?: number;
  /** The field of an object input that holds the batch; calls join only when their other fields are equal. Default: the whole input. */
  batch_field?: BatchFieldOf<I>;
  /**
   * Running the method twice for one call does no harm (it reads, or writes the same thing again).
   * `depends()` callers then also retry a call that may have reached the method: a connection cut
   * mid-call, a 502/503/504 from inside it, a try that ran out of time. Default false: only calls
   * the service provably never started are retried.
   */
  idempotent?: boolean;
}

/** The names `batch_field` may take: the fields of an object input schema; any name without a schema. */
export type BatchFieldOf<I extends Schema | undefined> = [I] extends [Schema]
  ? z.output<I> extends readonly unknown[]
    ? never
    : z.output<I> extends object
      ? Extract<keyof z.output<I>, string>
      : never
  : string;

/** One API of a service, as the server and the client see it. */
export interface ApiDefinition {
  /** Name of the method on the class. */
  method: string;
  name: string;
  route: string;
  input?: Schema;
  output?: Schema;
  doc?: string;
  /**
   * The method is a generator (`async function*`): every value it yields is sent as it comes
   * (server-sent events over HTTP, frames between services), and callers iterate the call.
   * `output`, when given, checks each yielded value.
   */
  streaming: boolean;
  /** Set when the API is batchable (`@api({ batchable: true })`): how its calls are merged. */
  batching?: BatchingOptions;
  /** `@api({ idempotent: true })`: callers may retry a call that may have run (see `ApiOptions.idempotent`). */
  idempotent?: boolean;
}

/** Everything Bento knows about a service class. */
export interface ServiceDefinition {
  name: string;
  options: ResolvedServiceOptions;
  apis: ApiDefinition[];
}

/** A class decorated with `@service`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceClass<T = any> = (new () => T) & { readonly [SERVICE_DEFINITION]?: ServiceDefinition };

/** True when `value` is a class decorated with `@service`. */
export function isServiceClass(value: unknown): value is ServiceClass {
  return typeof value === 'function' && Object.prototype.hasOwnProperty.call(value, SERVICE_DEFINITION);
}

/** The definition of a service class; throws a `TypeError` naming the value when it is not one. */
export function getServiceDefinition(value: unknown): ServiceDefinition {
  if (!isServiceClass(value)) {
    const what = typeof value === 'function' ? `class ${value.name || '(anonymous)'}` : describeValue(value);
    throw new TypeError(`Expected a class decorated with @service() but received ${what}`);
  }
  return (value as { [SERVICE_DEFINITION]: ServiceDefinition })[SERVICE_DEFINITION];
}
