import { decodeImage, encodeImage, isImage, type Image } from '../sdk/image';
import { isTensor, type Tensor } from '../sdk/tensor';
import { isDType, viewAs } from '../sdk/dtype';
import { toJsonBody } from '../server/json-body';

function isBinaryValue(value: unknown): boolean {
  return isImage(value) || isTensor(value) || value instanceof Uint8Array;
}

function tensorBlob(tensor: Tensor): Blob {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return new Blob([bytes], { type: `application/octet-stream; dtype=${tensor.dtype}; shape=${tensor.shape.join(',')}` });
}

/**
 * The body of a client call. Top-level Images, Tensors and byte arrays go as multipart file
 * parts (no base64 inflation); other fields as JSON text parts. Without any, the body is JSON.
 */
export async function encodeRequest(input: unknown): Promise<{ body: string | FormData; contentType?: string }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !Object.values(input).some(isBinaryValue)) {
    return { body: await toJsonBody(input ?? {}), contentType: 'application/json' };
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (isImage(value)) form.append(key, new Blob([await encodeImage(value)], { type: 'image/png' }), `${key}.png`);
    else if (isTensor(value)) form.append(key, tensorBlob(value), `${key}.bin`);
    else if (value instanceof Uint8Array) form.append(key, new Blob([value]), key);
    else if (typeof value === 'string') form.append(key, value);
    else form.append(key, await toJsonBody(value));
  }
  return { body: form };
}

/** Turns a successful response back into a value: images decoded, tensors rebuilt, JSON parsed. */
export async function decodeResponse(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('image/')) return decodeImage(new Uint8Array(await response.arrayBuffer())) as Promise<Image>;
  if (type.startsWith('application/octet-stream')) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const dtype = response.headers.get('x-bento-dtype');
    const shape = response.headers.get('x-bento-shape');
    if (dtype && isDType(dtype) && shape !== null) {
      return { dtype, shape: shape === '' ? [] : shape.split(',').map(Number), data: viewAs(dtype, bytes) } satisfies Tensor;
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const text = await response.text();
  return text.length === 0 ? undefined : JSON.parse(text);
}

