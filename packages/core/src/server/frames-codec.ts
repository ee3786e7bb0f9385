import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE, readFramesBody, writeFrames } from '../wire';
import type { CallCodec } from './api-handler';
import { mediaTypeOf } from './content-type';

/**
 * The codec of internal calls between services: frames in and out (no base64, no JSON of
 * tensors). Only reached through `internalDispatcher`, which has checked the graph's token.
 */
export function framesCodec(): CallCodec {
  return {
    async read(req, limits) {
      if (mediaTypeOf(req.headers['content-type']) !== FRAMES_CONTENT_TYPE) {
        req.resume();
        throw new UnsupportedMediaTypeError(req.headers['content-type'], [FRAMES_CONTENT_TYPE]);
      }
      const value = decodeFrames(await readFramesBody(req, limits.body));
      if (typeof value !== 'object' || value === null || !('input' in value)) {
        throw new BadRequestError('Internal call body must be an object with an "input" member');
      }
      return (value as { input: unknown }).input;
    },
    write(res, result, _req, requestId) {
      // Encoded before the head is written: a result that cannot travel is still a clean 500.
      const encoded = encodeFrames({ result });
      res.writeHead(200, { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, 'x-request-id': requestId });
      writeFrames(res, encoded);
      res.end();
    },
  };
}
