/**
 * How a Tensor or an Image travels as raw bytes over the public API (a multipart part, an
 * `application/octet-stream` answer): its bytes, with its dtype and shape in the part's content type
 * or the answer's headers. The typed client sends and receives Images this way too, as uint8
 * tensors of shape [height, width, channels], so it never encodes or decodes one (no sharp).
 */

/** Answer header: the dtype of a raw answer. */
export const RAW_DTYPE_HEADER = 'x-bento-dtype';
/** Answer header: the shape of a raw answer, comma-separated (`""` for a scalar). */
export const RAW_SHAPE_HEADER = 'x-bento-shape';
/** Answer header, present when a raw answer is an Image: its pixels, shape [height, width, channels]. */
export const RAW_IMAGE_HEADER = 'x-bento-image';

/** The content type of a raw part: `application/octet-stream; dtype=uint8; shape=480,640,3`. */
export function rawPartType(dtype: string, shape: readonly number[]): string {
  return `application/octet-stream; dtype=${dtype}; shape=${shape.join(',')}`;
}

/** The `dtype` and `shape` parameters of a part's content type (`shape=2,3` or `shape=2x3`). */
export function rawPartParams(contentType: string): { dtype?: string; shape?: number[] } {
  const out: { dtype?: string; shape?: number[] } = {};
  for (const param of contentType.split(';').slice(1)) {
    const [key, value] = param.split('=').map((s) => s.trim());
    if (key === 'dtype') out.dtype = value;
    if (key === 'shape' && value) out.shape = value.replace(/^"|"$/g, '').split(/[,x]/).map(Number);
  }
  return out;
}
