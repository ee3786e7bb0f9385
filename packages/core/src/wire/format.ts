/**
 * Constants of the `application/vnd.bento.frames` format: one place that says what the bytes are,
 * so the encoder and the decoder cannot drift apart. The layout is described in `./README.md`.
 */

/** Content type of a request or response body written by `encodeFrames`. */
export const FRAMES_CONTENT_TYPE = 'application/vnd.bento.frames';

/** Version byte this code writes and the only one it reads. Bump it for any incompatible change. */
export const FRAMES_VERSION = 1;

/**
 * First four bytes of every body. The 0x89 lead byte (as in PNG) is not ASCII, so a JSON or text
 * body sent with the wrong content type fails at byte 0 instead of somewhere confusing.
 */
export const FRAMES_MAGIC: readonly number[] = [0x89, 0x42, 0x4e, 0x54]; // "\x89BNT"

/** Bytes before the JSON header: magic, version, flags, reserved, header length, frame count, frames length. */
export const PREAMBLE_BYTES = 24;

/**
 * Every frame starts at a multiple of this many bytes from the start of the body. 64 covers the
 * 8-byte alignment TypedArrays need and the cache-line/SIMD alignment native kernels like.
 */
export const FRAME_ALIGN = 64;

/** Bounds the decoder enforces so that a hostile body can cost only bounded time and memory. */
export interface FramesLimits {
  /** Largest UTF-8 JSON header accepted, in bytes. */
  maxHeaderBytes: number;
  /** Most frames one body may carry. */
  maxFrames: number;
  /** Deepest nesting of arrays and objects in the value. */
  maxDepth: number;
}

/** Limits used when the caller gives none. */
export const DEFAULT_FRAMES_LIMITS: Readonly<FramesLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024 * 1024,
  maxFrames: 65_536,
  maxDepth: 64,
});

/** `n` rounded up to the next multiple of `FRAME_ALIGN`. */
export function alignUp(n: number): number {
  return Math.ceil(n / FRAME_ALIGN) * FRAME_ALIGN;
}
