import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * Reads a frames request body into one buffer of its own, so that the body starts at offset 0 of its
 * ArrayBuffer and `decodeFrames` can hand out aligned views without copying. (Chunks from the HTTP
 * parser, or `Buffer.concat` of small ones, may sit at any offset of a shared pool.)
 * With a Content-Length, the buffer is allocated once at that size and filled as chunks arrive; a
 * declared length over `limit` is refused before anything is allocated. Without one (chunked
 * encoding), chunks are gathered and copied once at the end.
 */
export function readFramesBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const header = req.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) {
    return Promise.reject(
      new BadRequestError(`Content-Length ${JSON.stringify(header)} is not a byte count`),
    );
  }
  if (declared !== undefined && declared > limit)
    return Promise.reject(new PayloadTooLargeError(limit));
  return new Promise((resolve, reject) => {
    // allocUnsafeSlow: never from the shared pool, so byteOffset is 0. Every byte is overwritten
    // before it is resolved (a short body is an error, never handed out).
    const whole = declared === undefined ? undefined : Buffer.allocUnsafeSlow(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      cleanup();
      req.resume(); // drain what is left so the connection can answer and be reused
      reject(error);
    };
    // A client that hangs up mid-body surfaces as an 'aborted' error: its fault, so a 400.
    const onError = (error: Error) =>
      fail(
        new BadRequestError(`Request body could not be read (${error.message})`, undefined, error),
      );
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) return fail(new PayloadTooLargeError(limit));
      if (whole) {
        if (size + chunk.length > whole.length)
          return fail(new BadRequestError('Request body is longer than its Content-Length'));
        chunk.copy(whole, size);
      } else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      if (whole) {
        if (size !== whole.length)
          reject(new BadRequestError(`Request body ended after ${size} of ${whole.length} bytes`));
        else resolve(whole);
        return;
      }
      const out = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const chunk of chunks) at += chunk.copy(out, at);
      resolve(out);
    };
    const onClose = () => {
      cleanup();
      reject(new BadRequestError('Request closed before its body was complete'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
