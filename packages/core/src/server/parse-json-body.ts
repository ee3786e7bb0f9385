import { BadRequestError } from '../errors';
import { jsonDepthExceeds } from '../wire/json-depth';
import { MAX_JSON_DEPTH } from './body-limits';

/**
 * Refuses JSON text nested deeper than `MAX_JSON_DEPTH`, with a linear scan run before
 * `JSON.parse` (deep nesting makes V8's parser slow enough to block the event loop). `what` names
 * the text in the error ("Request body", "Multipart field \"params\""); `field` is its path.
 */
export function assertJsonDepth(bytes: Uint8Array, what: string, field?: string): void {
  if (jsonDepthExceeds(bytes, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`${what} nests JSON deeper than ${MAX_JSON_DEPTH} levels`, {
      max_depth: MAX_JSON_DEPTH,
      ...(field === undefined ? {} : { path: field }),
    });
  }
}

/** Parses JSON text a client sent: depth-checked first, then a 400 naming `what` when it is not JSON. */
export function parseClientJson(bytes: Buffer, what: string, field?: string): unknown {
  assertJsonDepth(bytes, what, field);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new BadRequestError(`${what} is not valid JSON: ${(cause as Error).message}`, field === undefined ? undefined : { path: field });
  }
}
