import { BadRequestError } from '../errors';
import { FRAMES_CONTENT_TYPE } from './format';

/**
 * The one error every decoding failure becomes: a 400 that says what was wrong with the body.
 * Messages describe the bytes received, never echo large parts of them back.
 */
export function malformed(why: string, cause?: unknown): BadRequestError {
  return new BadRequestError(`Malformed ${FRAMES_CONTENT_TYPE} body: ${why}`, undefined, cause);
}
