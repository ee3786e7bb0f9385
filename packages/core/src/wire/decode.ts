import { decodeValue } from './decode-value';
import { DEFAULT_FRAMES_LIMITS, FRAME_ALIGN, PREAMBLE_BYTES, type FramesLimits } from './format';
import { frameKind } from './frame-types';
import { jsonDepthExceeds } from './json-depth';
import { malformed } from './malformed';
import { readPreamble, type Preamble } from './read-preamble';

// fatal: invalid UTF-8 is an error, not silently replaced text.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Decodes an `application/vnd.bento.frames` body. Every TypedArray, DataView and Buffer in the
 * result is a view into `body` (no copy), so keep `body` unchanged while the value is in use.
 * Anything wrong with the body (truncated, corrupted, lying lengths, unknown types, too deep) is a
 * `BadRequestError` saying what; decoding never runs code from the payload and allocates no more
 * than the header's size beyond the views.
 *
 * @example
 * ```ts
 * const args = decodeFrames(await readFramesBody(req, limit));
 * ```
 */
export function decodeFrames(body: Uint8Array, limits: Partial<FramesLimits> = {}): unknown {
  if (!(body instanceof Uint8Array))
    throw new TypeError(`Expected a Uint8Array for body but received ${typeof body}`);
  const bounds: FramesLimits = { ...DEFAULT_FRAMES_LIMITS, ...limits };
  const preamble = readPreamble(body, bounds);
  const headerBytes = body.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + preamble.headerBytes);
  // A coarse bound (the header's own object, the frame table and one `$o` escape per level fit in
  // it); the exact depth of the value is checked while it is rebuilt.
  if (jsonDepthExceeds(headerBytes, 2 * bounds.maxDepth + 4))
    throw malformed(`nesting deeper than ${bounds.maxDepth}`);
  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(headerBytes));
  } catch (error) {
    throw malformed(
      `the header is not UTF-8 JSON (${error instanceof Error ? error.message.slice(0, 120) : 'parse error'})`,
      error,
    );
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    Array.isArray(header) ||
    !hasOwn(header, 'v') ||
    !hasOwn(header, 'f')
  ) {
    throw malformed('the header is not an object with "v" and "f"');
  }
  const h = header as { v: unknown; f: unknown };
  const views = frameViews(alignedBody(body, preamble), h.f, preamble);
  const frame = (index: number): ArrayBufferView => {
    const view = views[index];
    if (view === undefined)
      throw malformed(`frame reference ${index} is not in the frame table of ${views.length}`);
    return view;
  };
  return decodeValue(h.v, frame, bounds);
}

/**
 * The body itself when its bytes sit at an 8-byte-aligned address (64-aligned frames are then
 * aligned for every element type), else one copy into a fresh buffer: a TypedArray cannot start at
 * an unaligned offset. `readFramesBody` always gives an aligned body, so this copy is the exception.
 */
function alignedBody(body: Uint8Array, preamble: Preamble): Uint8Array {
  if (body.byteOffset % 8 === 0 || preamble.frameCount === 0) return body;
  const copy = new Uint8Array(new ArrayBuffer(body.byteLength));
  copy.set(body);
  return copy;
}

/** Checks the frame table against the frames section and makes one view per entry. */
function frameViews(body: Uint8Array, table: unknown, preamble: Preamble): ArrayBufferView[] {
  if (!Array.isArray(table) || table.length !== preamble.frameCount) {
    throw malformed(
      `the frame table does not list the ${preamble.frameCount} frames the preamble declares`,
    );
  }
  const views: ArrayBufferView[] = [];
  let end = 0; // frames must come in order without overlapping: one region of bytes, one frame
  for (let i = 0; i < table.length; i++) {
    const entry: unknown = table[i];
    if (typeof entry !== 'object' || entry === null) throw malformed(`frame ${i} is not an object`);
    const { type, offset, byteLength } = entry as Record<string, unknown>;
    const kind = hasOwn(entry, 'type') ? frameKind(type) : undefined;
    if (kind === undefined)
      throw malformed(
        `frame ${i} has a type that is not allowed (${JSON.stringify(String(type)).slice(0, 40)})`,
      );
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(byteLength) ||
      (offset as number) < 0 ||
      (byteLength as number) < 0
    ) {
      throw malformed(`frame ${i} has an offset or byte length that is not a non-negative integer`);
    }
    const start = offset as number;
    const size = byteLength as number;
    if (start % FRAME_ALIGN !== 0)
      throw malformed(`frame ${i} starts at ${start}, not a multiple of ${FRAME_ALIGN}`);
    if (start < end)
      throw malformed(`frame ${i} starts at ${start}, overlapping the frame before it`);
    if (start + size > preamble.framesBytes) {
      throw malformed(
        `frame ${i} (${size} bytes at ${start}) runs past the ${preamble.framesBytes}-byte frames section`,
      );
    }
    if (size % kind.elementBytes !== 0)
      throw malformed(
        `frame ${i} has ${size} bytes, not a whole number of ${kind.elementBytes}-byte elements`,
      );
    views.push(kind.view(body.buffer, body.byteOffset + preamble.framesStart + start, size));
    end = start + size;
  }
  return views;
}
