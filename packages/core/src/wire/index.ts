/**
 * The interservice wire codec, `application/vnd.bento.frames`: a versioned JSON header plus
 * 64-byte-aligned binary frames for every TypedArray, Buffer, Tensor and Image in a call. Internal to
 * @bento/core (the client and server import it from here); the format is described in README.md.
 */
export { FRAMES_CONTENT_TYPE, FRAMES_VERSION, DEFAULT_FRAMES_LIMITS } from './format';
export type { FramesLimits } from './format';
export { encodeFrames } from './encode';
export type { EncodedFrames } from './encode';
export { decodeFrames } from './decode';
export { readFramesBody } from './read-frames-body';
export { jsonDepthExceeds } from './json-depth';
export { writeFrames } from './write-frames';
export type { FrameType } from './frame-types';
export { FRAMES_STREAM_CONTENT_TYPE, RECORD_HEAD_BYTES, StreamRecordReader, recordHead } from './frames-stream';
export type { RecordKind, StreamErrorPayload, StreamRecord } from './frames-stream';
