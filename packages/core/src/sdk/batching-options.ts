import { ConfigError } from '../errors';
import type { ApiOptions } from './definition';

/** How a batchable API merges calls, with every default filled in (see `ApiOptions.batchable`). */
export interface BatchingOptions {
  /** The dimension of a Tensor along which calls are joined; arrays always join on their first level. */
  batch_dim: number;
  /** The most rows (items along the batch dimension) one call of the method receives. */
  max_batch_size: number;
  /** The longest a call may wait in the batch queue plus run: a call that cannot make it gets 503. */
  max_latency_ms: number;
  /** The field of an object input that holds the batch; undefined: the whole input is the batch. */
  batch_field?: string;
}

export const DEFAULT_MAX_BATCH_SIZE = 100;
export const DEFAULT_MAX_LATENCY_MS = 10_000;

const BATCHING_KEYS = ['batch_dim', 'max_batch_size', 'max_latency_ms', 'batch_field'] as const;

/** Node runs a timer longer than this after 1 ms: a longer max_latency_ms would expire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * The batching options of `@api(options)` on `method`, checked and with their defaults; undefined
 * when the API is not batchable. Throws a `ConfigError` naming the option and what was expected.
 */
export function resolveBatching(options: ApiOptions, method: string): BatchingOptions | undefined {
  const where = `@api() on ${method}`;
  if (options.batchable !== undefined && typeof options.batchable !== 'boolean') {
    throw new ConfigError(`${where}: expected batchable to be true or false but received ${JSON.stringify(options.batchable)}`);
  }
  if (!options.batchable) {
    // A batching option without batchable is a forgotten flag, not something to ignore silently.
    const stray = BATCHING_KEYS.find((key) => options[key] !== undefined);
    if (stray) throw new ConfigError(`${where}: ${stray} is a batching option; set batchable: true to batch this API`);
    return undefined;
  }
  const integer = (key: 'batch_dim' | 'max_batch_size', fallback: number, min: number): number => {
    const value = options[key] ?? fallback;
    if (!Number.isInteger(value) || value < min) {
      throw new ConfigError(`${where}: expected ${key} to be an integer of at least ${min} but received ${JSON.stringify(value)}`);
    }
    return value;
  };
  const maxLatency = options.max_latency_ms ?? DEFAULT_MAX_LATENCY_MS;
  if (typeof maxLatency !== 'number' || !(maxLatency > 0) || maxLatency > LONGEST_TIMER_MS) {
    throw new ConfigError(`${where}: expected max_latency_ms to be a number of milliseconds above 0 (at most ${LONGEST_TIMER_MS}) but received ${JSON.stringify(maxLatency)}`);
  }
  const field = options.batch_field;
  if (field !== undefined && (typeof field !== 'string' || field === '')) {
    throw new ConfigError(`${where}: expected batch_field to be the name of a field of the input but received ${JSON.stringify(field)}`);
  }
  const fields = objectFieldsOf(options.input);
  if (field !== undefined && fields && !fields.includes(field)) {
    throw new ConfigError(`${where}: batch_field "${field}" is not a field of the input schema (its fields: ${fields.join(', ') || 'none'})`);
  }
  return {
    batch_dim: integer('batch_dim', 0, 0),
    max_batch_size: integer('max_batch_size', DEFAULT_MAX_BATCH_SIZE, 1),
    max_latency_ms: maxLatency,
    ...(field !== undefined ? { batch_field: field } : {}),
  };
}

/** The field names of a `z.object` schema; undefined for any other schema (or none). */
function objectFieldsOf(schema: unknown): string[] | undefined {
  const def = (schema as { _zod?: { def?: { type?: string; shape?: object } } } | undefined)?._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}
