import type { IncomingMessage } from 'node:http';
import { UnsupportedMediaTypeError } from '../errors';
import type { Schema } from '../sdk/definition';
import { ACCEPTED_MEDIA_TYPES, isJsonMediaType, mediaTypeOf } from './content-type';
import type { BodyLimits } from './body-limits';
import { readMultipart } from './multipart';
import { parseClientJson } from './parse-json-body';
import { readBody } from './read-body';

function hasNoBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
}

/**
 * Reads an API request's body into the object the input schema will check: JSON (up to
 * `limits.json`, depth-checked before parsing) or multipart/form-data (up to `limits.body`).
 */
export async function readInput(req: IncomingMessage, limits: BodyLimits, schema: Schema | undefined): Promise<unknown> {
  const mediaType = mediaTypeOf(req.headers['content-type']);
  if (mediaType === undefined && hasNoBody(req)) return {};
  if (mediaType !== undefined && isJsonMediaType(mediaType)) {
    const body = await readBody(req, limits.json);
    if (body.length === 0) return {};
    return parseClientJson(body, 'Request body');
  }
  if (mediaType === 'multipart/form-data') return readMultipart(req, limits.body, schema);
  // Drain what was sent so the connection stays usable for the next request.
  req.resume();
  throw new UnsupportedMediaTypeError(req.headers['content-type'], ACCEPTED_MEDIA_TYPES);
}
