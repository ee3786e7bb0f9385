import { isDType, viewAs } from '../wire/dtype';
import { isImage, type Image } from '../wire/image-value';
import { jsonReplacer } from '../wire/json-values';
import { RAW_DTYPE_HEADER, RAW_IMAGE_HEADER, RAW_SHAPE_HEADER, rawPartType } from '../wire/raw-values';
import { isTensor, type Tensor } from '../wire/tensor-value';

/**
 * What the client accepts: JSON, or raw bytes. No `image/*`: an Image answer then comes as its
 * raw pixels, which the client hands over as they are, with nothing to decode.
 */
export const CLIENT_ACCEPT = 'application/json, application/octet-stream';

function isBinaryValue(value: unknown): boolean {
  return isImage(value) || isTensor(value) || value instanceof Uint8Array;
}

/** An Image as the client sends it: its pixels as a uint8 tensor [height, width, channels]. */
function imageAsTensor(image: Image): Tensor<'uint8'> {
  return { dtype: 'uint8', shape: [image.height, image.width, image.channels], data: image.data as Tensor<'uint8'>['data'] };
}

function rawBlob(tensor: Tensor): Blob {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return new Blob([bytes], { type: rawPartType(tensor.dtype, tensor.shape) });
}

/** The JSON replacer of requests: nested Images as uint8 tensors (which `Image()` reads), the rest as usual. */
function requestReplacer(this: unknown, key: string, value: unknown): unknown {
  return jsonReplacer.call(this, key, isImage(value) ? imageAsTensor(value) : value);
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, requestReplacer);
}

/**
 * The body of a client call. Top-level Images, Tensors and byte arrays go as multipart file parts
 * of raw bytes (no base64 inflation, and nothing encoded: the server decodes); other fields as JSON
 * text parts. Without any, the body is JSON.
 */
export function encodeRequest(input: unknown): { body: string | FormData; contentType?: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !Object.values(input).some(isBinaryValue)) {
    return { body: jsonText(input ?? {}), contentType: 'application/json' };
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (isImage(value)) form.append(key, rawBlob(imageAsTensor(value)), `${key}.rgb`);
    else if (isTensor(value)) form.append(key, rawBlob(value), `${key}.bin`);
    else if (value instanceof Uint8Array) form.append(key, new Blob([value]), key);
    else if (typeof value === 'string') form.append(key, value);
    else form.append(key, jsonText(value));
  }
  return { body: form };
}

function shapeOf(header: string): number[] {
  return header === '' ? [] : header.split(',').map(Number);
}

/**
 * Turns a successful response back into a value: raw images and tensors rebuilt around the
 * received bytes, other bytes (an encoded image from a server that sent one anyway, a file) as a
 * Buffer, anything else parsed as JSON.
 */
export async function decodeResponse(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/octet-stream') && !type.startsWith('image/')) {
    const text = await response.text();
    return text.length === 0 ? undefined : JSON.parse(text);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const dtype = response.headers.get(RAW_DTYPE_HEADER);
  const shape = response.headers.get(RAW_SHAPE_HEADER);
  if (type.startsWith('application/octet-stream') && dtype && isDType(dtype) && shape !== null) {
    if (response.headers.has(RAW_IMAGE_HEADER)) {
      const [height, width, channels] = shapeOf(shape);
      return { data: bytes, width, height, channels } as Image;
    }
    return { dtype, shape: shapeOf(shape), data: viewAs(dtype, bytes) } satisfies Tensor;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
