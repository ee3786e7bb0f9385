import type { ServiceLifecycle } from './lifecycle';
import type { CallerInput } from './api-input';
import type { CallOptions } from './call-options';
import type { ServiceClass } from './definition';

type AnyFunction = (...args: never[]) => unknown;

/** The API methods of a service instance type: its methods, lifecycle hooks left out. */
export type ApiMethodNames<T> = {
  [K in keyof T]: K extends keyof ServiceLifecycle ? never : T[K] extends AnyFunction ? K : never;
}[keyof T] &
  string;

/**
 * One method as a caller sees it: the argument a caller passes (see `CallerInput`), then optional
 * per-call options `O`; the result the method's, always async (see `CallResult`). A method that takes no input gives
 * one whose input may be left out (not one of type unknown), and so does an optional parameter.
 */
export type RemoteMethod<M, O> = M extends (...args: infer A) => infer R
  ? A extends []
    ? (input?: undefined, options?: O) => CallResult<R>
    : undefined extends A[0]
      ? (input?: CallerInput<A[0]>, options?: O) => CallResult<R>
      : (input: CallerInput<A[0]>, options?: O) => CallResult<R>
  : never;

/**
 * What a call gives back for a method returning `R`: the values of a generator (a streaming API)
 * as an `AsyncIterable` the caller iterates with `for await`, anything else awaited. Strings and
 * arrays are results, not streams: only generators stream.
 */
export type CallResult<R> = R extends AsyncGenerator<infer Y, unknown, unknown> | Generator<infer Y, unknown, unknown>
  ? AsyncIterable<Awaited<Y>>
  : Promise<Awaited<R>>;

/**
 * The methods of a service as another party calls them, each with per-call options `O`. Used by
 * `createClient` and by `depends()`, so a call through either is type-checked like a local one.
 *
 * Input types come from the method's first parameter. TypeScript does not let `@api` change the
 * type of the method it decorates, so the parameter is where the schema can be found: typed
 * `ApiInput<typeof schema>`, callers pass `z.input` of the schema (fields with defaults optional);
 * typed any other way, callers pass exactly that type. Results are the method's results, awaited.
 */
export type ServiceMethods<S extends ServiceClass, O = CallOptions> = {
  [K in ApiMethodNames<InstanceType<S>>]: RemoteMethod<InstanceType<S>[K], O>;
};
