import { encodeValue } from './encode-value';
import { alignUp, FRAME_ALIGN, FRAMES_MAGIC, FRAMES_VERSION, PREAMBLE_BYTES } from './format';

/** An encoded body as a list of chunks to write in order; nothing is concatenated. */
export interface EncodedFrames {
  /** Preamble and header first, then each frame's bytes and its padding. */
  chunks: Uint8Array[];
  /** Sum of the chunks' lengths: the body's Content-Length. */
  byteLength: number;
}

// One shared block of zeros: every padding chunk is a view of it, so padding costs no allocation
// beyond the view object itself.
const ZEROS = new Uint8Array(FRAME_ALIGN);

/**
 * Encodes a value (a call's arguments or its result) as an `application/vnd.bento.frames` body.
 * Every TypedArray, DataView and Buffer in it, at any depth, becomes a 64-byte-aligned frame; the
 * frame chunks are views of the caller's own bytes (no copy), so the caller must not change those
 * arrays until the chunks are written.
 *
 * @example
 * ```ts
 * const encoded = encodeFrames({ prompt, image });
 * req.setHeader('content-type', FRAMES_CONTENT_TYPE);
 * req.setHeader('content-length', encoded.byteLength);
 * writeFrames(req, encoded);
 * req.end();
 * ```
 */
export function encodeFrames(value: unknown): EncodedFrames {
  const { json, frames } = encodeValue(value);
  // Offsets count from the start of the frames section, not of the body, so the header does not
  // depend on its own length. The section starts 64-aligned, so frames are 64-aligned in the body too.
  let at = 0;
  const table = frames.map((frame) => {
    const entry = { type: frame.type, offset: at, byteLength: frame.bytes.byteLength };
    at += alignUp(frame.bytes.byteLength);
    return entry;
  });
  const framesBytes = at;
  const headerText = JSON.stringify({ v: json, f: table });
  const headerBytes = Buffer.byteLength(headerText, 'utf8');
  if (headerBytes > 0xffff_ffff)
    throw new RangeError(
      `Expected a header under 4 GiB for encodeFrames() but received ${headerBytes} bytes`,
    );
  const framesStart = alignUp(PREAMBLE_BYTES + headerBytes);

  const head = Buffer.alloc(framesStart);
  for (let i = 0; i < FRAMES_MAGIC.length; i++) head[i] = FRAMES_MAGIC[i]!;
  head[4] = FRAMES_VERSION;
  head[5] = 0; // flags: none defined in version 1
  head.writeUInt32LE(headerBytes, 8);
  head.writeUInt32LE(frames.length, 12); // lets the decoder bound the table before parsing JSON
  head.writeBigUInt64LE(BigInt(framesBytes), 16);
  head.write(headerText, PREAMBLE_BYTES, 'utf8');

  const chunks: Uint8Array[] = [head];
  for (const frame of frames) {
    const n = frame.bytes.byteLength;
    if (n === 0) continue;
    chunks.push(frame.bytes);
    const pad = alignUp(n) - n;
    if (pad > 0) chunks.push(ZEROS.subarray(0, pad));
  }
  return { chunks, byteLength: framesStart + framesBytes };
}
