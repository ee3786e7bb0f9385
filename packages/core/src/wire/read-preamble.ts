import { alignUp, FRAMES_MAGIC, FRAMES_VERSION, PREAMBLE_BYTES, type FramesLimits } from './format';
import { malformed } from './malformed';

/** What the fixed-size preamble says about the rest of the body, checked against its length. */
export interface Preamble {
  headerBytes: number;
  frameCount: number;
  /** Offset in the body where the frames section starts (64-aligned). */
  framesStart: number;
  framesBytes: number;
}

/**
 * Reads and checks the preamble. Every length is checked against the bytes actually received before
 * anything is allocated or parsed, so a lying preamble costs nothing.
 */
export function readPreamble(body: Uint8Array, limits: FramesLimits): Preamble {
  if (body.byteLength < PREAMBLE_BYTES) {
    throw malformed(`${body.byteLength} bytes is shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  }
  for (let i = 0; i < FRAMES_MAGIC.length; i++) {
    if (body[i] !== FRAMES_MAGIC[i]) throw malformed('wrong magic bytes (not a frames body)');
  }
  const view = new DataView(body.buffer, body.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint8(4);
  if (version !== FRAMES_VERSION)
    throw malformed(`unsupported version ${version}; this side reads version ${FRAMES_VERSION}`);
  const flags = view.getUint8(5);
  if (flags !== 0) throw malformed(`unknown flags 0x${flags.toString(16)}`);
  if (view.getUint16(6, true) !== 0) throw malformed('reserved preamble bytes are not zero');
  const headerBytes = view.getUint32(8, true);
  const frameCount = view.getUint32(12, true);
  const framesBytesBig = view.getBigUint64(16, true);
  if (headerBytes > limits.maxHeaderBytes) {
    throw malformed(
      `header length ${headerBytes} is over the limit of ${limits.maxHeaderBytes} bytes`,
    );
  }
  if (frameCount > limits.maxFrames)
    throw malformed(`frame count ${frameCount} is over the limit of ${limits.maxFrames}`);
  if (PREAMBLE_BYTES + headerBytes > body.byteLength) {
    throw malformed(
      `header length ${headerBytes} runs past the end of the ${body.byteLength}-byte body`,
    );
  }
  const framesStart = alignUp(PREAMBLE_BYTES + headerBytes);
  // Compared as bigint so a length near 2^64 cannot round to something that looks right.
  const expected = BigInt(framesStart) + framesBytesBig;
  if (expected !== BigInt(body.byteLength)) {
    throw malformed(
      `the preamble declares ${expected} bytes in all but the body has ${body.byteLength} (truncated or trailing bytes)`,
    );
  }
  return { headerBytes, frameCount, framesStart, framesBytes: Number(framesBytesBig) };
}
