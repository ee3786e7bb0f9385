import type { IncomingMessage } from 'node:http';
import { BadRequestError } from '../errors';
import { BinaryPart } from '../sdk/io-kind';
import type { Schema } from '../sdk/definition';
import { readFramesBody } from '../wire';
import { boundaryOf, splitMultipart, type MultipartPart } from './multipart-parts';
import { checkInputDepth } from './input-depth';
import { fieldExpectsString } from './schema-shape';

/** Content-Type of a file part that names none (RFC 7578's default for form parts). */
const DEFAULT_PART_TYPE = 'text/plain';

/**
 * Reads a multipart/form-data body into one object: file parts (a filename, or an
 * application/octet-stream part) become `BinaryPart`s decoded later by the field's IO schema,
 * with their bytes a view of the body; text parts are parsed as JSON unless the field's schema
 * wants a plain string, so `-F 'params={"prompt":"a"}'` and `-F prompt=a` both work. A name sent
 * twice keeps its last part.
 */
export async function readMultipart(req: IncomingMessage, limit: number, schema: Schema | undefined): Promise<Record<string, unknown>> {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) {
    req.resume();
    throw new BadRequestError('Cannot read the multipart body: its Content-Type has no boundary parameter');
  }
  // The frames reader works for any body: one buffer of its own, allocated once at the
  // Content-Length, refused over `limit`.
  const body = await readFramesBody(req, limit);
  const result: Record<string, unknown> = {};
  for (const part of splitMultipart(body, boundary)) result[part.name] = valueOf(part, schema);
  return result;
}

function valueOf(part: MultipartPart, schema: Schema | undefined): unknown {
  const mediaType = part.contentType?.split(';')[0]!.trim().toLowerCase();
  if (part.filename !== undefined || mediaType === 'application/octet-stream') {
    return new BinaryPart(part.data, part.contentType ?? DEFAULT_PART_TYPE, part.filename);
  }
  const value = part.data.toString('utf8');
  if (fieldExpectsString(schema, part.name)) return value;
  checkInputDepth(part.data, `Multipart field ${JSON.stringify(part.name)}`, { path: part.name });
  try {
    return JSON.parse(value);
  } catch {
    // Without a schema saying otherwise, a text part that is not JSON is taken as a string.
    if (schema && !fieldExpectsString(schema, part.name, true)) {
      throw new BadRequestError(`Multipart field ${JSON.stringify(part.name)} is not valid JSON`, { path: part.name });
    }
    return value;
  }
}
