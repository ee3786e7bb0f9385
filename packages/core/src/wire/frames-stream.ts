/**
 * `application/vnd.bento.frames-stream`: how a streaming API answers an internal call. The body
 * (chunked, its length unknown up front) is a sequence of records, each an 8-byte head — kind
 * (1 byte), three zero bytes, payload length (u32 little-endian) — and its payload:
 *
 * - `value`: one yielded value, as a frames body `{ result: value }` (tensors stay binary);
 * - `end`: the generator returned; a frames body `{ result: returned }`; nothing follows;
 * - `error`: it failed; JSON `{ status, service?, body }` with the usual error body; nothing follows.
 *
 * A body that stops without `end` or `error` was cut off: the caller treats it as a failure.
 */

export const FRAMES_STREAM_CONTENT_TYPE = 'application/vnd.bento.frames-stream';

export const RECORD_KINDS = { value: 1, end: 2, error: 3 } as const;
export type RecordKind = keyof typeof RECORD_KINDS;

const KIND_NAMES: Record<number, RecordKind> = { 1: 'value', 2: 'end', 3: 'error' };

export const RECORD_HEAD_BYTES = 8;

/** The head that precedes a payload of `length` bytes. */
export function recordHead(kind: RecordKind, length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0 || length > 0xffff_ffff) {
    throw new RangeError(`Expected a stream record payload under 4 GiB but received ${length} bytes`);
  }
  const head = Buffer.alloc(RECORD_HEAD_BYTES);
  head[0] = RECORD_KINDS[kind];
  head.writeUInt32LE(length, 4);
  return head;
}

/** The JSON payload of an `error` record. */
export interface StreamErrorPayload {
  status: number;
  service?: string;
  body: unknown;
}

export interface StreamRecord {
  kind: RecordKind;
  /** Starts at offset 0 of its own ArrayBuffer, so typed views decoded from it are aligned. */
  payload: Buffer;
}

/**
 * Cuts a frames-stream body into records as its chunks arrive. Each payload is copied once into
 * its own buffer (chunk boundaries fall anywhere, and views into it must be aligned); a record
 * head that is malformed, or a payload over `maxRecordBytes`, throws before anything is allocated.
 */
export class StreamRecordReader {
  private head = Buffer.alloc(RECORD_HEAD_BYTES);
  private headFilled = 0;
  private kind?: RecordKind;
  private payload?: Buffer;
  private payloadFilled = 0;
  private finished = false;

  constructor(private readonly maxRecordBytes: number) {}

  /** Whether an `end` or `error` record was read: the body is complete. */
  get complete(): boolean {
    return this.finished;
  }

  /** Feeds one chunk; returns the records it completed, in order. */
  push(chunk: Uint8Array): StreamRecord[] {
    const records: StreamRecord[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.finished) throw new Error('bytes after the end of the stream');
      if (this.payload === undefined) {
        const n = Math.min(RECORD_HEAD_BYTES - this.headFilled, chunk.length - at);
        this.head.set(chunk.subarray(at, at + n), this.headFilled);
        this.headFilled += n;
        at += n;
        if (this.headFilled < RECORD_HEAD_BYTES) break;
        this.startPayload();
      } else {
        const n = Math.min(this.payload.length - this.payloadFilled, chunk.length - at);
        this.payload.set(chunk.subarray(at, at + n), this.payloadFilled);
        this.payloadFilled += n;
        at += n;
      }
      if (this.payload !== undefined && this.payloadFilled === this.payload.length) records.push(this.takeRecord());
    }
    return records;
  }

  private startPayload(): void {
    const kind = KIND_NAMES[this.head[0]!];
    if (!kind || this.head[1] !== 0 || this.head[2] !== 0 || this.head[3] !== 0) {
      throw new Error(`malformed stream record head ${this.head.toString('hex')}`);
    }
    const length = this.head.readUInt32LE(4);
    if (length > this.maxRecordBytes) throw new Error(`stream record of ${length} bytes is over the ${this.maxRecordBytes}-byte limit`);
    this.kind = kind;
    // allocUnsafeSlow: its own ArrayBuffer at offset 0; every byte is written before it is read.
    this.payload = Buffer.allocUnsafeSlow(length);
    this.payloadFilled = 0;
  }

  private takeRecord(): StreamRecord {
    const record = { kind: this.kind!, payload: this.payload! };
    this.payload = undefined;
    this.kind = undefined;
    this.headFilled = 0;
    if (record.kind !== 'value') this.finished = true;
    return record;
  }
}
