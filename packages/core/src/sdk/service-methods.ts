import type { ServiceLifecycle } from '../server/lifecycle';
import type { ServiceClass } from './definition';

type AnyFunction = (...args: never[]) => unknown;

/** The API methods of a service instance type: its methods, lifecycle hooks left out. */
export type ApiMethodNames<T> = {
  [K in keyof T]: K extends keyof ServiceLifecycle ? never : T[K] extends AnyFunction ? K : never;
}[keyof T] &
  string;

/**
 * The methods of a service as another party calls them: the same argument and result types as the
 * class, always async. Used by `createClient` and by `depends()`, so a call through either is
 * type-checked exactly like a local call.
 */
export type ServiceMethods<S extends ServiceClass> = {
  // A method that takes no input gives a method that takes none (not one of type unknown).
  [K in ApiMethodNames<InstanceType<S>>]: InstanceType<S>[K] extends (...args: infer A) => infer R
    ? A extends [] ? () => Promise<Awaited<R>> : (input: A[0]) => Promise<Awaited<R>>
    : never;
};
