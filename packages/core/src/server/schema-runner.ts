import type { z } from 'zod';
import { issueDetails } from '../config/format-issues';
import { BentoError, ValidationError } from '../errors';
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
 * Parses values with a zod schema, synchronously when the schema allows it. Async parsing costs
 * several promise hops per call; only schemas with async parts (`Image()` decodes with sharp, or a
 * user's async refinement) need it. Schemas with an Image are known async up front; for the rest
 * a synchronous parse that throws (zod's way of saying "async") switches this schema to async.
 */
export class SchemaRunner {
  private needsAsync: boolean;

  constructor(private readonly schema: Schema) {
    this.needsAsync = holdsImage(schema);
  }

  /** The parsed value, synchronously when the schema allows it, else a promise of it. Throws `toError(...)`. */
  parse(value: unknown, toError: (error: z.ZodError) => BentoError): unknown {
    if (!this.needsAsync) {
      try {
        const result = this.schema.safeParse(value);
        if (result.success) return result.data;
        throw toError(result.error);
      } catch (error) {
        if (error instanceof BentoError) throw error;
        this.needsAsync = true;
      }
    }
    return this.parseAsync(value, toError);
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
