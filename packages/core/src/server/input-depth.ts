import { BadRequestError } from '../errors';
import { DEFAULT_FRAMES_LIMITS, jsonDepthExceeds } from '../wire';

/**
 * The deepest nesting of arrays and objects an API accepts in JSON input: the bound the
 * interservice frames codec keeps too, so a value that enters one way can travel on the other.
 * Without it, deep input reaches code that recurses once per level (a user's `z.lazy` tree
 * schema) and overflows the stack there: a 500 for what is the request's fault.
 */
export const MAX_INPUT_DEPTH = DEFAULT_FRAMES_LIMITS.maxDepth;

/**
 * Refuses (400) JSON text nested deeper than `MAX_INPUT_DEPTH`, before `JSON.parse` spends time on
 * it. `what` names the text in the message: "Request body", "Multipart field \"x\"".
 */
export function checkInputDepth(
  json: Uint8Array,
  what: string,
  details: Record<string, unknown> = {},
): void {
  if (jsonDepthExceeds(json, MAX_INPUT_DEPTH)) {
    throw new BadRequestError(
      `${what} nests arrays and objects deeper than the limit of ${MAX_INPUT_DEPTH} levels`,
      { ...details, max_depth: MAX_INPUT_DEPTH },
    );
  }
}
