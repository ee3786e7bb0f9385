import type { z } from 'zod';
import type { Schema } from './definition';

/**
 * A key that exists only in types: `ApiInput<S>` keeps its schema `S` under it. TypeScript does not
 * let a decorator change the type of the method it decorates, so `@api({ input })` alone cannot
 * tell a caller's type which schema a method has; the method's parameter type can.
 */
export declare const INPUT_SCHEMA: unique symbol;

/**
 * The argument of an API method whose input schema is `S`: what the server hands the method
 * after parsing (`z.output<S>`, defaults filled in). Typing the parameter with it also tells
 * `createClient` and `depends()` the schema, so their callers pass what the schema accepts
 * (`z.input<S>`): fields with a default may be left out. A parameter typed any other way is what
 * callers pass, unchanged.
 *
 * @example
 * ```ts
 * const Input = z.object({ prompt: z.string(), steps: z.number().default(25) });
 *
 * @api({ input: Input })
 * async generate({ prompt, steps }: ApiInput<typeof Input>) { ... }   // steps: number
 * // elsewhere: client.generate({ prompt: 'a house' })                // steps may be left out
 * ```
 */
export type ApiInput<S extends Schema> = z.output<S> & { readonly [INPUT_SCHEMA]?: S };

/**
 * What a caller passes for a method parameter of type `P`: `z.input` of its schema when `P` is an
 * `ApiInput`, otherwise `P` itself. Distributes over unions, so `ApiInput<S> | undefined` (an
 * optional parameter) stays optional.
 */
export type CallerInput<P> = P extends unknown
  ? typeof INPUT_SCHEMA extends keyof P
    ? z.input<NonNullable<P[typeof INPUT_SCHEMA]>>
    : P
  : never;
