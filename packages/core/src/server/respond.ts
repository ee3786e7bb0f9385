import type { ServerResponse } from 'node:http';
import { ERROR_SERVICE_HEADER, type BentoError } from '../errors';
import { encodeImage, isImage, type ImageFormat } from '../sdk/image';
import { isTensor } from '../sdk/tensor';
import { RAW_DTYPE_HEADER, RAW_IMAGE_HEADER, RAW_SHAPE_HEADER } from '../wire/raw-values';
import { toJsonBody } from './json-body';

/** Writes a complete response in one call: no chunked encoding, one syscall for small bodies. */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  requestId?: string,
  extraHeaders?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  };
  // Passed to writeHead rather than set with setHeader: one headers object per response, not two.
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(body);
}

/** Answers an error in the one JSON error shape, with Retry-After on 429 and 503s that say when, Allow on 405. */
export function sendError(res: ServerResponse, error: BentoError, requestId?: string): void {
  const extra: Record<string, string> = {};
  const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  if (retryAfter !== undefined) extra['retry-after'] = String(retryAfter);
  else if (error.status === 429) extra['retry-after'] = '1';
  if (error.status === 405) extra['allow'] = String((error as { allow?: string }).allow ?? 'POST');
  if (error.status === 413) extra['connection'] = 'close';
  const challenge = (error as { challenge?: string }).challenge;
  if (challenge !== undefined) extra['www-authenticate'] = challenge;
  const origin = (error as { service?: unknown }).service;
  if (typeof origin === 'string') extra[ERROR_SERVICE_HEADER] = origin;
  send(res, error.status, 'application/json; charset=utf-8', JSON.stringify(error.toBody()), requestId, extra);
}

function imageFormatFor(accept: string | undefined): ImageFormat {
  if (!accept) return 'png';
  if (accept.includes('image/jpeg') && !accept.includes('image/png')) return 'jpeg';
  if (accept.includes('image/webp') && !accept.includes('image/png')) return 'webp';
  return 'png';
}

/** Raw bytes with the dtype and shape that make them a Tensor (or, marked, an Image) again. */
function sendRaw(res: ServerResponse, data: ArrayBufferView, dtype: string, shape: readonly number[], requestId?: string, image = false): void {
  const headers: Record<string, string> = { [RAW_DTYPE_HEADER]: dtype, [RAW_SHAPE_HEADER]: shape.join(',') };
  if (image) headers[RAW_IMAGE_HEADER] = '1';
  send(res, 200, 'application/octet-stream', Buffer.from(data.buffer, data.byteOffset, data.byteLength), requestId, headers);
}

/** Whether the caller wants raw bytes rather than an encoded image: it takes octet-stream and no image type. */
function wantsRaw(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/octet-stream') && !accept.includes('image/') && !accept.includes('*/*');
}

/**
 * Answers an API's result: an Image as PNG (or JPEG/WebP by Accept), or as its raw pixels for a
 * caller that takes octet-stream and no image type (the typed client, which then decodes nothing);
 * bytes as octet-stream; a Tensor as raw bytes when the caller accepts octet-stream; anything else
 * as JSON.
 */
export function sendResult(res: ServerResponse, result: unknown, accept: string | undefined, requestId?: string): Promise<void> | void {
  if (isImage(result)) {
    if (wantsRaw(accept)) return sendRaw(res, result.data, 'uint8', [result.height, result.width, result.channels], requestId, true);
    const format = imageFormatFor(accept);
    return encodeImage(result, format).then((bytes) => send(res, 200, `image/${format}`, bytes, requestId));
  }
  if (Buffer.isBuffer(result)) return send(res, 200, 'application/octet-stream', result, requestId);
  if (isTensor(result) && accept?.includes('application/octet-stream')) return sendRaw(res, result.data, result.dtype, result.shape, requestId);
  // JSON is written synchronously (no promise per request) unless nested Images must be encoded.
  const body = toJsonBody(result);
  if (typeof body === 'string') return send(res, 200, 'application/json; charset=utf-8', body, requestId);
  return body.then((text) => send(res, 200, 'application/json; charset=utf-8', text, requestId));
}
