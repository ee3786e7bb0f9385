import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import type { ServerResponse } from 'node:http';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE, FRAMES_STREAM_CONTENT_TYPE, readFramesBody, recordHead, writeFrames, type RecordKind, type StreamErrorPayload } from '../wire';
import type { CallCodec } from './api-handler';
import { mediaTypeOf } from './content-type';
import type { StreamSink } from './stream-sink';

/** One frames-stream record holding `{ result: value }`; false when the response's buffer is full. */
function writeValueRecord(res: ServerResponse, kind: RecordKind, value: unknown): boolean {
  const encoded = encodeFrames({ result: value });
  res.cork();
  res.write(recordHead(kind, encoded.byteLength));
  res.uncork();
  return writeFrames(res, encoded);
}

/** A streaming API's answer to another service: frames-stream records (see wire/frames-stream.ts). */
const FRAMES_STREAM_SINK: StreamSink = {
  open(res, requestId) {
    res.writeHead(200, { 'content-type': FRAMES_STREAM_CONTENT_TYPE, 'x-request-id': requestId });
    res.flushHeaders();
  },
  value: (res, value) => writeValueRecord(res, 'value', value),
  end(res, returned) {
    writeValueRecord(res, 'end', returned);
    res.end();
  },
  error(res, error, service) {
    const payload: StreamErrorPayload = { status: error.status, body: error.toBody(), ...(service ? { service } : {}) };
    const bytes = Buffer.from(JSON.stringify(payload));
    res.write(recordHead('error', bytes.length));
    res.end(bytes);
  },
  // Internal calls pass no proxies; an empty write would still be a chunk to parse. Nothing to do.
  keepAlive() {},
};

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
    stream: FRAMES_STREAM_SINK,
  };
}
