import { BadRequestError } from '../errors';
import { decodeFrames, encodeFrames, FRAMES_VERSION } from './index';
import { FRAME_ALIGN, PREAMBLE_BYTES } from './format';

/** Encodes and joins the chunks into one aligned body, as readFramesBody would hand it over. */
function body(value: unknown): Buffer {
  const { chunks, byteLength } = encodeFrames(value);
  const out = Buffer.allocUnsafeSlow(byteLength);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  expect(at).toBe(byteLength);
  return out;
}

const roundTrip = (value: unknown) => decodeFrames(body(value));

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

const typedArrays: [string, ArrayBufferView][] = [
  ['Float32Array', new Float32Array([1.5, -2.25, NaN, Infinity, -0])],
  ['Float64Array', new Float64Array([Math.PI, -Number.MAX_VALUE, Number.MIN_VALUE])],
  ['Int8Array', new Int8Array([-128, 0, 127])],
  ['Int16Array', new Int16Array([-32768, 1, 32767])],
  ['Int32Array', new Int32Array([-(2 ** 31), 7, 2 ** 31 - 1])],
  ['Uint8Array', new Uint8Array([0, 1, 255])],
  ['Uint16Array', new Uint16Array([0, 0x3c00, 65535])],
  ['Uint32Array', new Uint32Array([0, 1, 2 ** 32 - 1])],
  ['BigInt64Array', new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n])],
  ['BigUint64Array', new BigUint64Array([0n, 2n ** 64n - 1n])],
  ['Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255])],
  ['Buffer', Buffer.from('hello frames')],
  ['DataView', new DataView(new Uint8Array([9, 8, 7, 6, 5]).buffer, 1, 3)],
];

describe('wire round trip', () => {
  it.each(typedArrays)('keeps a %s byte-exact and of the same type', (name, view) => {
    const out = roundTrip({ x: view }) as { x: ArrayBufferView };
    expect(out.x.constructor.name).toBe(name === 'Buffer' ? 'Buffer' : name);
    expect(Buffer.isBuffer(out.x)).toBe(name === 'Buffer');
    expect(bytesOf(out.x).equals(bytesOf(view))).toBe(true);
  });

  it.each(typedArrays)('keeps an empty %s', (name, view) => {
    const empty =
      view instanceof DataView
        ? new DataView(new ArrayBuffer(0))
        : (view as Uint8Array).subarray(0, 0);
    const out = roundTrip([empty, 1]) as [ArrayBufferView, number];
    expect(out[0].constructor.name).toBe(name);
    expect(out[0].byteLength).toBe(0);
    expect(out[1]).toBe(1);
  });

  it('sends only the bytes of a view with a non-zero byteOffset', () => {
    const big = new Float32Array(1000).map((_, i) => i);
    const view = big.subarray(100, 103);
    const encoded = encodeFrames(view);
    const frameChunk = encoded.chunks[1]!;
    expect(frameChunk.byteLength).toBe(12);
    expect(encoded.byteLength).toBeLessThan(1000);
    expect(Array.from(roundTrip(view) as Float32Array)).toEqual([100, 101, 102]);
  });

  it('keeps nested objects, arrays, tensors and images of every dtype', () => {
    const value = {
      prompt: 'a cat',
      params: { steps: 25, scale: 0.5, flags: [true, false, null], nested: [[1, [2, [3, 'x']]]] },
      tensors: [
        { dtype: 'float16', shape: [2, 2], data: new Uint16Array([0x3c00, 0x4000, 0, 0x8000]) },
        { dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2, 3]) },
        { dtype: 'int64', shape: [2], data: new BigInt64Array([-1n, 1n]) },
        { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
      ],
      image: { data: new Uint8Array(4 * 3 * 3).fill(200), width: 4, height: 3, channels: 3 },
      deep: { a: { b: { c: { d: new Int16Array([-5, 5]) } } } },
    };
    const out = roundTrip(value) as typeof value;
    expect(out).toEqual(value);
    expect(out.tensors[0]!.data).toBeInstanceOf(Uint16Array);
    expect(out.tensors[2]!.data).toBeInstanceOf(BigInt64Array);
    expect(out.image.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(out.image.data)).toBe(false);
  });

  it('keeps values JSON has no text for: NaN, ±Infinity, -0, bigint, undefined, Date', () => {
    const value = {
      n: [NaN, Infinity, -Infinity, -0, 0, 1e-320],
      big: [0n, -1n, 2n ** 200n, -(2n ** 70n) + 3n],
      u: undefined,
      arr: [undefined, 1, undefined],
      when: new Date(1_700_000_000_123),
      invalid: new Date(NaN),
    };
    const out = roundTrip(value) as typeof value;
    expect(out.n.map((x, i) => Object.is(x, value.n[i]))).toEqual(Array(6).fill(true));
    expect(Object.is(out.n[3], -0)).toBe(true);
    expect(Object.is(out.n[4], 0)).toBe(true);
    expect(out.big).toEqual(value.big);
    expect('u' in out).toBe(true);
    expect(out.u).toBeUndefined();
    expect(out.arr).toHaveLength(3);
    expect(out.when).toEqual(value.when);
    expect(Number.isNaN(out.invalid.getTime())).toBe(true);
    expect(roundTrip(undefined)).toBeUndefined();
    expect(roundTrip('top')).toBe('top');
  });

  it('escapes user objects that look like tags, and keeps $-keys as data', () => {
    const value = {
      a: { $f: 0 },
      b: { $o: { $u: 1 } },
      c: { $f: 1, other: 2 },
      d: [{ $zzz: 'x' }],
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it('sends the same view once and decodes it as one object', () => {
    const data = new Float32Array([1, 2]);
    const encoded = encodeFrames([data, data, { again: data }]);
    expect(encoded.chunks.filter((c) => c.buffer === data.buffer)).toHaveLength(1);
    const out = roundTrip([data, data, { again: data }]) as [
      Float32Array,
      Float32Array,
      { again: Float32Array },
    ];
    expect(out[0]).toBe(out[1]);
    expect(out[2].again).toBe(out[0]);
  });

  it('round-trips 3 MiB arrays byte-exact, as views into the body, from views of the source', () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const floats = new Float32Array(bytes.buffer.slice(0));
    const encoded = encodeFrames({ bytes, floats });
    // No copy on the way out: the frame chunks are the source's own memory.
    expect(
      encoded.chunks.some((c) => c.buffer === bytes.buffer && c.byteLength === bytes.byteLength),
    ).toBe(true);
    expect(encoded.chunks.some((c) => c.buffer === floats.buffer)).toBe(true);
    const b = body({ bytes, floats });
    const out = decodeFrames(b) as { bytes: Uint8Array; floats: Float32Array };
    // No copy on the way in: the arrays are views of the body.
    expect(out.bytes.buffer).toBe(b.buffer);
    expect(out.floats.buffer).toBe(b.buffer);
    expect(Buffer.compare(bytesOf(out.bytes), bytesOf(bytes))).toBe(0);
    expect(Buffer.compare(bytesOf(out.floats), bytesOf(floats))).toBe(0);
  });

  it('decodes Buffers and DataViews as views too, and lays out empty frames between others', () => {
    const value = [
      new Uint8Array(0),
      Buffer.from('xyz'),
      new Float32Array(0),
      new DataView(new ArrayBuffer(8)),
      new Int8Array([1]),
    ];
    const b = body(value);
    const out = decodeFrames(b) as ArrayBufferView[];
    expect(out.map((v) => v.buffer === b.buffer)).toEqual([true, true, true, true, true]);
    expect(Buffer.isBuffer(out[1])).toBe(true);
    expect(out[1]!.toString()).toBe('xyz');
    expect(out.map((v) => v.byteLength)).toEqual([0, 3, 0, 8, 1]);
  });

  it('lays frames out 64-aligned, padded with zeros, with the version in the preamble', () => {
    const encoded = encodeFrames({ a: new Uint8Array([1, 2, 3]), b: new Float64Array([1]) });
    expect(encoded.byteLength % FRAME_ALIGN).toBe(0);
    const b = body({ a: new Uint8Array([1, 2, 3]), b: new Float64Array([1]) });
    expect(b[4]).toBe(FRAMES_VERSION);
    const headerBytes = b.readUInt32LE(8);
    const header = JSON.parse(
      b.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes).toString(),
    ) as { f: { offset: number }[] };
    expect(header.f.map((f) => f.offset)).toEqual([0, 64]);
    const out = decodeFrames(b) as { a: Uint8Array; b: Float64Array };
    expect(out.a.byteOffset % FRAME_ALIGN).toBe(0);
    expect(out.b.byteOffset % FRAME_ALIGN).toBe(0);
    // The padding chunks are views of one shared block of zeros, never fresh allocations.
    const pads = encoded.chunks.slice(1).filter((c) => c.byteLength !== 3 && c.byteLength !== 8);
    expect(new Set(pads.map((p) => p.buffer)).size).toBe(1);
    expect(pads.every((p) => p.every((x) => x === 0))).toBe(true);
  });

  it('copies once when the body sits at an unaligned offset, and still decodes', () => {
    const b = body({ x: new Float64Array([1.25, 2.5]) });
    const shifted = Buffer.alloc(b.length + 3);
    b.copy(shifted, 3);
    const out = decodeFrames(shifted.subarray(3)) as { x: Float64Array };
    expect(Array.from(out.x)).toEqual([1.25, 2.5]);
  });

  it('refuses values that cannot travel, naming the path', () => {
    expect(() => encodeFrames({ a: [1, () => 1] })).toThrow(/for a\.1 but received a function/);
    expect(() => encodeFrames({ s: Symbol('x') })).toThrow(TypeError);
    expect(() => encodeFrames({ m: new Map() })).toThrow(/for m but received a Map/);
    expect(() => encodeFrames(new ArrayBuffer(4))).toThrow(/wrap the ArrayBuffer/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeFrames(cyclic)).toThrow(/without cycles for self/);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => encodeFrames(deep)).toThrow(/nesting at most 64 deep/);
  });

  it('never lets __proto__ or constructor keys change a prototype', () => {
    const value = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "x": {"__proto__": [1]}}',
    ) as object;
    const out = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.x)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')!.value).toEqual({ polluted: true });
  });

  it('reports decoding problems as BadRequestError', () => {
    expect(() => decodeFrames(Buffer.from('{"json": true}'))).toThrow(BadRequestError);
  });
});
