import type { Schema } from '../sdk/definition';
import { ioKindOf, ZOD_WRAPPER_TYPES } from '../sdk/io-kind';

type Def = { type: string; innerType?: Def; shape?: Record<string, unknown>; options?: unknown[]; values?: unknown[]; entries?: Record<string, unknown>; _zod?: { def: Def } };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;
}

/** The def of a schema with optional/nullable/default… wrappers looked through. */
function unwrappedDefOf(schema: unknown): Def | undefined {
  let def = defOf(schema);
  while (def && ZOD_WRAPPER_TYPES.has(def.type)) def = defOf(def.innerType);
  return def;
}

/** The schema of `key` in an object schema, if the schema is an object. */
export function fieldSchema(schema: Schema | undefined, key: string): unknown {
  const def = unwrappedDefOf(schema);
  if (!def || def.type !== 'object' || !def.shape) return undefined;
  return def.shape[key];
}

/**
 * Whether a multipart text field should be kept as a string rather than parsed as JSON: true when
 * the field's schema is a string, enum of strings or string literal. `lenient` also says yes when
 * there is no schema for the field (anything goes).
 */
export function fieldExpectsString(schema: Schema | undefined, key: string, lenient = false): boolean {
  const field = fieldSchema(schema, key);
  if (field === undefined) return lenient || schema === undefined;
  if (ioKindOf(field)) return ioKindOf(field)!.kind === 'image';
  const def = unwrappedDefOf(field);
  if (!def) return false;
  if (def.type === 'string') return true;
  if (def.type === 'enum') return Object.values(def.entries ?? {}).every((v) => typeof v === 'string');
  if (def.type === 'literal') return (def.values ?? []).every((v) => typeof v === 'string');
  return false;
}
