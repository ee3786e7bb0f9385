import type { z } from 'zod';

/**
 * Which schemas stand for an IO type. The server asks this to decide how to read a multipart part,
 * and the OpenAPI generator to describe it. The marker is a `Symbol.for` property rather than
 * module state, so a schema made by another copy of this package (a user's module loaded through
 * a different path) is still recognised.
 */
export type IoKind = { kind: 'image' } | { kind: 'tensor'; dtype: string; shape?: readonly number[] };

const IO_KIND = Symbol.for('bento.io.kind');
const BINARY_PART = Symbol.for('bento.io.binary-part');

export function markIoKind<S extends z.ZodType>(schema: S, kind: IoKind): S {
  Object.defineProperty(schema, IO_KIND, { value: kind, enumerable: false });
  return schema;
}

/** zod types that wrap one inner schema without changing what it is (looked through when asking what a field is). */
export const ZOD_WRAPPER_TYPES: ReadonlySet<string> = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch']);

/** The IO kind of a schema, looking through optional/nullable/default wrappers. */
export function ioKindOf(schema: unknown): IoKind | undefined {
  let current = schema as ({ [IO_KIND]?: IoKind; _zod?: { def: { type: string; innerType?: unknown } } }) | undefined;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current[IO_KIND]) return current[IO_KIND];
    const def = current._zod?.def;
    if (!def || !ZOD_WRAPPER_TYPES.has(def.type)) return undefined;
    current = def.innerType as typeof current;
  }
  return undefined;
}

/** A binary multipart part, handed to an IO schema to decode. */
export class BinaryPart {
  readonly [BINARY_PART] = true;
  constructor(
    readonly data: Buffer,
    readonly contentType: string,
    readonly filename?: string,
  ) {}
}

/** True for a `BinaryPart` from any copy of this package. */
export function isBinaryPart(value: unknown): value is BinaryPart {
  return typeof value === 'object' && value !== null && (value as { [BINARY_PART]?: boolean })[BINARY_PART] === true;
}
