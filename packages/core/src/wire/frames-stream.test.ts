import { decodeFrames } from './decode';
import { encodeFrames } from './encode';
import { recordHead, StreamRecordReader, type RecordKind } from './frames-stream';

function record(kind: RecordKind, value: unknown): Buffer {
  const encoded = encodeFrames({ result: value });
  return Buffer.concat([recordHead(kind, encoded.byteLength), ...encoded.chunks]);
}

describe('frames-stream records', () => {
  const body = Buffer.concat([
    record('value', { step: 1 }),
    record('value', { data: Float32Array.from([1.5, -2, 3]) }),
    record('end', 'done'),
  ]);

  it.each([1, 3, 7, 8, 9, 64, 1000])('reads the same records whatever the chunk size (%i bytes)', (size) => {
    const reader = new StreamRecordReader(1 << 20);
    const records = [];
    for (let at = 0; at < body.length; at += size) records.push(...reader.push(body.subarray(at, at + size)));
    expect(records.map((r) => r.kind)).toEqual(['value', 'value', 'end']);
    expect(reader.complete).toBe(true);
    const values = records.map((r) => (decodeFrames(r.payload) as { result: unknown }).result);
    expect(values[0]).toEqual({ step: 1 });
    expect(Array.from((values[1] as { data: Float32Array }).data)).toEqual([1.5, -2, 3]);
    expect(values[2]).toBe('done');
    // Each payload is its own aligned buffer: typed views into it need no copy.
    for (const r of records) expect(r.payload.byteOffset).toBe(0);
  });

  it('refuses a malformed head, a record over the limit and bytes after the end', () => {
    expect(() => new StreamRecordReader(1024).push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]))).toThrow('malformed stream record head');
    expect(() => new StreamRecordReader(1024).push(Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]))).toThrow('malformed stream record head');
    expect(() => new StreamRecordReader(1024).push(recordHead('value', 4096))).toThrow('over the 1024-byte limit');
    const reader = new StreamRecordReader(1 << 20);
    expect(() => reader.push(Buffer.concat([record('end', null), Buffer.from([1])]))).toThrow('bytes after the end of the stream');
  });

  it('refuses a payload length that cannot be written', () => {
    expect(() => recordHead('value', 2 ** 32)).toThrow(RangeError);
  });
});
