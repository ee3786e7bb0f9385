import type { IncomingMessage } from 'node:http';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import type { Schema } from '../sdk/definition';
import { ACCEPTED_MEDIA_TYPES, isJsonMediaType, mediaTypeOf } from './content-type';
import { checkInputDepth } from './input-depth';
import { readMultipart } from './multipart';
import { readBody } from './read-body';

function hasNoBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
}

/** Reads an API request's body into the object the input schema will check. */
export async function readInput(req: IncomingMessage, limit: number, schema: Schema | undefined): Promise<unknown> {
  const mediaType = mediaTypeOf(req.headers['content-type']);
  if (mediaType === undefined && hasNoBody(req)) return {};
  if (mediaType !== undefined && isJsonMediaType(mediaType)) {
    const body = await readBody(req, limit);
    if (body.length === 0) return {};
    checkInputDepth(body, 'Request body');
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (cause) {
      throw new BadRequestError(`Request body is not valid JSON: ${(cause as Error).message}`);
    }
  }
  if (mediaType === 'multipart/form-data') return readMultipart(req, limit, schema);
  // Drain what was sent so the connection stays usable for the next request.
  req.resume();
  throw new UnsupportedMediaTypeError(req.headers['content-type'], ACCEPTED_MEDIA_TYPES);
}
