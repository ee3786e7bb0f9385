import type { z } from 'zod';
import { $ZodAsyncError } from 'zod/v4/core';
import { issueDetails } from '../config/format-issues';
import { ValidationError, type BentoError } from '../errors';
import type { Schema } from '../sdk/definition';
import { ioKindOf } from '../sdk/io-kind';

type Def = Record<string, unknown> & { type: string };

function childrenOf(def: Def): unknown[] {
  const out: unknown[] = [];
  for (const key of ['innerType', 'element', 'in', 'out', 'left', 'right', 'valueType', 'keyType', 'rest']) {
    if (def[key]) out.push(def[key]);
  }
  if (def.shape && typeof def.shape === 'object') out.push(...Object.values(def.shape as object));
  if (Array.isArray(def.options)) out.push(...def.options);
  if (Array.isArray(def.items)) out.push(...def.items);
  return out;
}

/** Whether a schema holds an `Image()` anywhere: its decoding is asynchronous. */
function holdsImage(schema: unknown, depth = 0): boolean {
  if (depth > 32 || typeof schema !== 'object' || schema === null) return false;
  if (ioKindOf(schema)?.kind === 'image') return true;
  const def = (schema as { _zod?: { def: Def } })._zod?.def;
  return def ? childrenOf(def).some((child) => holdsImage(child, depth + 1)) : false;
}

/**
 * Whether zod threw because a synchronous parse met a Promise (an async refinement or transform).
 * `instanceof` alone is not enough: a service loaded as ESM gets zod's ESM build, whose error class
 * is another object than the CommonJS one imported here, so its name and message are checked too.
 */
function isZodAsyncError(error: unknown): boolean {
  if (error instanceof $ZodAsyncError) return true;
  return error instanceof Error && (error.constructor.name === '$ZodAsyncError' || error.message.startsWith('Encountered Promise during synchronous parse'));
}

/**
 * Parses values with a zod schema, synchronously when the schema allows it. Async parsing costs
 * several promise hops per call; only schemas with async parts (`Image()` decodes with sharp, or a
 * user's async refinement) need it. Schemas with an Image are known async up front; for the rest,
 * zod saying so (its async error from a synchronous parse) switches this schema to async for good.
 * Anything else a schema throws (a refinement with a bug) propagates as it is, for the server to
 * answer: it says nothing about the schema being async, and one odd request must not make every
 * later one slower.
 */
export class SchemaRunner {
  private needsAsync: boolean;

  constructor(private readonly schema: Schema) {
    this.needsAsync = holdsImage(schema);
  }

  /** The parsed value, synchronously when the schema allows it, else a promise of it. Throws `toError(...)`. */
  parse(value: unknown, toError: (error: z.ZodError) => BentoError): unknown {
    if (this.needsAsync) return this.parseAsync(value, toError);
    let result: ReturnType<Schema['safeParse']>;
    try {
      result = this.schema.safeParse(value);
    } catch (error) {
      if (!isZodAsyncError(error)) throw error;
      this.needsAsync = true;
      return this.parseAsync(value, toError);
    }
    if (result.success) return result.data;
    throw toError(result.error);
  }

  private async parseAsync(value: unknown, toError: (error: z.ZodError) => BentoError): Promise<unknown> {
    const result = await this.schema.safeParseAsync(value);
    if (result.success) return result.data;
    throw toError(result.error);
  }
}

/** The 400 for input that does not match its schema: the first issue in the message, all in details. */
export function invalidInputError(error: z.ZodError, subject = 'input'): ValidationError {
  const details = issueDetails(error);
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new ValidationError(`Invalid ${subject}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, details);
}
