/**
 * Requests that are wrong by construction, one per index (deterministic: the same index is the same
 * request), for the 10,000-malformed-inputs test: broken multipart, JSON, images and parameters to
 * ControlNet's public routes, and broken frames to SDXLControlNetService's internal route. None can
 * be a valid request by chance: each breaks the format or the schema on purpose.
 */
import { encodeFrames } from '../../../../packages/core/src/wire';
import { prng } from '../../../../tools/demo-model/design';

export interface Malformed {
  kind: string;
  /** `public` goes to ControlNet's port, `internal` to SDXLControlNetService's socket with the internal token. */
  target: 'public' | 'internal';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Uniform in [0, 1) and seeded: the cases must not depend on Math.random. */
function seeded(seed: number): () => number {
  const next = prng(seed); // uniform in [-1, 1)
  return () => (next() + 1) / 2;
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer | string;
}

/** A multipart/form-data body, written out by hand so that it can be broken anywhere. */
export function multipartBody(boundary: string, parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${part.type ? `content-type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const GOOD_PARAMS = { prompt: 'a red house', seed: 1, num_inference_steps: 1 };

/** A PNG header declaring `width`×`height` (no pixel data): a decompression bomb's signature. */
function bombHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = Buffer.concat([Buffer.from([0, 0, 0, 13]), Buffer.from('IHDR'), ihdr, Buffer.alloc(4)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

/** Schema breaks of the params, each one of them certainly invalid. */
const BAD_PARAMS: Array<Record<string, unknown>> = [
  { ...GOOD_PARAMS, prompt: 42 },
  { ...GOOD_PARAMS, num_inference_steps: 'many' },
  { ...GOOD_PARAMS, num_inference_steps: 0 },
  { ...GOOD_PARAMS, num_inference_steps: 1e9 },
  { ...GOOD_PARAMS, seed: -1.5 },
  { ...GOOD_PARAMS, guidance_scale: 'high' },
  { ...GOOD_PARAMS, controlnet_conditioning_scale: [] },
  { ...GOOD_PARAMS, surprise: true },
  { num_inference_steps: 2 },
];

/** Request `index` of the malformed set; `png` is a valid 64×64 PNG to break. */
export function malformedRequest(index: number, png: Buffer): Malformed {
  const random = seeded(index + 1);
  const boundary = `bento-test-${index}`;
  const multipart = (body: Buffer, kind: string, path = '/generate', type = `multipart/form-data; boundary=${boundary}`): Malformed => ({ kind, target: 'public', path, headers: { 'content-type': type }, body });
  const withImage = (image: Buffer, params: unknown = GOOD_PARAMS) =>
    multipartBody(boundary, [
      { name: 'image', filename: 'photo.png', type: 'image/png', data: image },
      { name: 'params', data: typeof params === 'string' ? params : JSON.stringify(params) },
    ]);
  const path = random() < 0.5 ? '/generate' : '/generate_stream';

  switch (index % 12) {
    case 0: {
      // Cut short before its closing boundary.
      const whole = withImage(png);
      return multipart(whole.subarray(0, Math.floor(random() * (whole.length - boundary.length - 8))), 'multipart cut short', path);
    }
    case 1:
      return multipart(withImage(png), 'multipart with another boundary than its header says', path, `multipart/form-data; boundary=not-${boundary}`);
    case 2:
      return multipart(withImage(png), 'multipart without a boundary', path, 'multipart/form-data');
    case 3:
      return multipart(withImage(png, `{"prompt": "a red ${randomBytes(random, 8).toString('hex')}`), 'params that are not JSON', path);
    case 4:
      return multipart(withImage(png, BAD_PARAMS[Math.floor(random() * BAD_PARAMS.length)]), 'params that break the schema', path);
    case 5:
      // Random bytes that do not start like any image format.
      return multipart(withImage(Buffer.concat([Buffer.from('not an image:'), randomBytes(random, 16 + Math.floor(random() * 2000))])), 'an image of random bytes', path);
    case 6:
      // A real PNG cut inside its image data (its last 40 bytes and more gone).
      return multipart(withImage(png.subarray(0, 8 + Math.floor(random() * (png.length - 48)))), 'a truncated PNG', path);
    case 7:
      return multipart(withImage(bombHeader(20_000 + Math.floor(random() * 100_000), 20_000 + Math.floor(random() * 100_000))), 'a PNG bomb header', path);
    case 8: {
      // JSON where a form is expected: garbage, or JSON of the wrong shape.
      const body = random() < 0.5 ? Buffer.concat([Buffer.from('{"image": '), randomBytes(random, 32)]) : Buffer.from(JSON.stringify({ image: 'not an image', params: GOOD_PARAMS }));
      return { kind: 'a JSON body', target: 'public', path, headers: { 'content-type': 'application/json' }, body };
    }
    case 9:
      return { kind: 'a body of an unsupported media type', target: 'public', path, headers: { 'content-type': 'text/plain' }, body: Buffer.from('a red house') };
    case 10: {
      // Frames that break the codec: random bytes, or a real body cut short or with a wrong version.
      const real = framesOf({ prompt: 'a red house', image: new Uint8Array(64 * 64 * 3) });
      const choice = Math.floor(random() * 3);
      let body: Buffer;
      if (choice === 0) body = randomBytes(random, 1 + Math.floor(random() * 4000));
      else if (choice === 1) body = real.subarray(0, Math.floor(random() * (real.length - 1)));
      else body = Buffer.from(real).fill(7, 4, 5);
      return { kind: 'broken frames', target: 'internal', path: '/_bento/call/generate', headers: { 'content-type': 'application/vnd.bento.frames' }, body };
    }
    default: {
      // Well-formed frames of an input SDXLControlNetService's schema refuses.
      const input = random() < 0.5 ? { prompt: 7 } : { prompt: 'a red house', num_inference_steps: -Math.floor(random() * 100) - 1, control_image: 'x' };
      return { kind: 'frames that break the schema', target: 'internal', path: '/_bento/call/generate', headers: { 'content-type': 'application/vnd.bento.frames' }, body: framesOf(input) };
    }
  }
}

function framesOf(input: unknown): Buffer {
  return Buffer.concat(encodeFrames({ input }).chunks);
}
