import type { Image } from '@bento/core';
import { imageToTensor } from '@bento/native';
import sharp from 'sharp';

/**
 * The control image as the ControlNet takes it, `[batch, 3, H, W]` float32 in [0, 1]: resized to
 * the output size when it is not (Lanczos, as diffusers' image processor resizes a PIL image),
 * divided by 255, NCHW, repeated `batch` times (twice for classifier-free guidance outside guess
 * mode).
 */
export async function controlImageTensor(image: Image, height: number, width: number, batch: number): Promise<Float32Array> {
  let sized = image;
  if (image.height !== height || image.width !== width) {
    const raw = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    sized = { data: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), width, height, channels: 3 };
  }
  const one = imageToTensor(sized, { scale: 1 / 255 }).data;
  if (batch === 1) return one;
  const out = new Float32Array(one.length * batch);
  for (let b = 0; b < batch; b++) out.set(one, b * one.length);
  return out;
}
