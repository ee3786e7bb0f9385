import { DEFAULT_FRAMES_LIMITS } from '../wire';

/** How large a request body may be, by kind. */
export interface BodyLimits {
  /** Any body: multipart uploads, internal frames. */
  body: number;
  /**
   * JSON bodies, smaller: a JSON body is parsed in one blocking `JSON.parse`, while a multipart
   * upload's file parts are only sliced.
   */
  json: number;
}

/** Default largest request body: 64 MiB, enough for a few large images as multipart parts. */
export const DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024;

/** Default largest JSON body: 8 MiB (a 512×512×3 tensor as nested arrays is about 3 MiB). */
export const DEFAULT_MAX_JSON_BODY_SIZE = 8 * 1024 * 1024;

/**
 * Deepest nesting of `[` and `{` a JSON body or multipart JSON field may have; deeper text is
 * refused before `JSON.parse` runs, because V8 parses deeply nested text slowly (16 MiB of `[[[[…`
 * held the event loop about 2 s), and deep values overflow the stack of code that recurses per
 * level (a user's `z.lazy` schema). The bound of the interservice frames codec, so a value that
 * enters one way can travel on the other. Real inputs, tensors as nested arrays included, nest a
 * few levels.
 */
export const MAX_JSON_DEPTH = DEFAULT_FRAMES_LIMITS.maxDepth;

/** The limits a server applies, from its options (a JSON limit never exceeds the body limit). */
export function bodyLimits(options: { maxBodySize?: number; maxJsonBodySize?: number }): BodyLimits {
  const body = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  return { body, json: Math.min(options.maxJsonBodySize ?? DEFAULT_MAX_JSON_BODY_SIZE, body) };
}
