import { BadRequestError } from '../errors';
import { decodeFrames, encodeFrames } from './index';
import { alignUp, FRAMES_MAGIC, PREAMBLE_BYTES } from './format';

/** mulberry32: a tiny seeded PRNG, so every failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIX = 'Malformed application/vnd.bento.frames body: ';

function join(chunks: Uint8Array[], byteLength: number): Buffer {
  const out = Buffer.allocUnsafeSlow(byteLength);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A body with a hand-written header and preamble fields, for inputs the encoder would never make. */
function rawBody(
  headerText: string,
  frames: Uint8Array = new Uint8Array(0),
  fields: {
    frameCount?: number;
    headerBytes?: number;
    framesBytes?: bigint;
    version?: number;
    flags?: number;
  } = {},
): Buffer {
  const header = Buffer.from(headerText, 'utf8');
  const start = alignUp(PREAMBLE_BYTES + header.length);
  const out = Buffer.alloc(start + frames.byteLength);
  FRAMES_MAGIC.forEach((b, i) => (out[i] = b));
  out[4] = fields.version ?? 1;
  out[5] = fields.flags ?? 0;
  out.writeUInt32LE(fields.headerBytes ?? header.length, 8);
  out.writeUInt32LE(fields.frameCount ?? 0, 12);
  out.writeBigUInt64LE(fields.framesBytes ?? BigInt(frames.byteLength), 16);
  header.copy(out, PREAMBLE_BYTES);
  out.set(frames, start);
  return out;
}

/** Decodes, and says how it went: 'ok', or the BadRequestError; anything else fails the test. */
function attempt(body: Uint8Array): 'ok' | BadRequestError {
  try {
    decodeFrames(body);
    return 'ok';
  } catch (error) {
    if (!(error instanceof BadRequestError))
      throw new Error(`not a BadRequestError: ${String(error)}`, { cause: error });
    expect(error.status).toBe(400);
    expect(error.message.startsWith(PREFIX)).toBe(true);
    return error;
  }
}

function rejects(body: Uint8Array, why: RegExp): void {
  const result = attempt(body);
  if (result === 'ok') throw new Error(`decoded, but expected an error matching ${why}`);
  expect(result.message).toMatch(why);
}

const sample = {
  prompt: 'a "quoted" cat \u00e9\u{1F600}',
  n: [NaN, -0, 1n, undefined, new Date(5)],
  t: { dtype: 'float32', shape: [2, 3], data: new Float32Array(6).fill(1.5) },
  img: { data: new Uint8Array(2 * 2 * 3), width: 2, height: 2, channels: 3 },
  $weird: { $f: 1 },
  ints: [new Int16Array([1, -1]), new BigUint64Array([5n]), Buffer.from('abc')],
};
const valid = (() => {
  const e = encodeFrames(sample);
  return join(e.chunks, e.byteLength);
})();

describe('wire fuzz: every malformed body is a clean BadRequestError', () => {

  it('decodes the untouched sample', () => {
    expect(attempt(valid)).toBe('ok');
  });

  it('refuses every truncation of a valid body', () => {
    for (let n = 0; n < valid.length; n++) {
      const result = attempt(valid.subarray(0, n));
      expect(result).toBeInstanceOf(BadRequestError);
      expect((result as BadRequestError).message).toMatch(
        n < PREAMBLE_BYTES
          ? /shorter than the 24-byte preamble/
          : /runs past the end|truncated or trailing bytes/,
      );
    }
    expect(valid.length).toBeGreaterThan(500);
  });

  it('refuses trailing bytes', () => {
    rejects(Buffer.concat([valid, Buffer.alloc(64)]), /truncated or trailing bytes/);
  });

  it('survives 5000 random byte flips (decoded or refused, never anything else)', () => {
    const random = prng(0xb3e70);
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const body = Buffer.allocUnsafeSlow(valid.length);
      valid.copy(body);
      const flips = 1 + Math.floor(random() * 4);
      // Half the flips aim at the preamble and header, where they matter most.
      const headerEnd = PREAMBLE_BYTES + valid.readUInt32LE(8);
      for (let k = 0; k < flips; k++) {
        const at = Math.floor(random() * (random() < 0.5 ? headerEnd : body.length));
        body[at] = body[at]! ^ (1 + Math.floor(random() * 255));
      }
      if (attempt(body) !== 'ok') refused++;
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it('survives 3000 random headers (random JSON, tags, frame tables)', () => {
    const random = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const atoms = [
      0,
      -1,
      1.5,
      2 ** 53,
      1e308,
      'x',
      '',
      null,
      true,
      '__proto__',
      'constructor',
      'NaN',
      '-0',
      'ff',
      '-',
      1,
      64,
    ];
    const keys = [
      'v',
      'f',
      '$f',
      '$n',
      '$b',
      '$u',
      '$d',
      '$o',
      '$x',
      '__proto__',
      'constructor',
      'type',
      'offset',
      'byteLength',
      'a',
    ];
    const types = [
      'Uint8Array',
      'Float64Array',
      'BigInt64Array',
      'DataView',
      'Buffer',
      'Function',
      '__proto__',
      'constructor',
      'Object',
      'toString',
      'Float16Array',
    ];
    const gen = (depth: number): unknown => {
      const r = random();
      if (depth > 4 || r < 0.35) return pick(atoms);
      if (r < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => gen(depth + 1));
      const obj: Record<string, unknown> = {};
      const n = Math.floor(random() * 3);
      for (let i = 0; i < n; i++)
        Object.defineProperty(obj, pick(keys), {
          value: gen(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return obj;
    };
    const genEntry = () => ({
      type: pick(types),
      offset: pick([0, 64, 128, 1, -64, 2 ** 60, 0.5, '0']),
      byteLength: pick([0, 1, 8, 16, 63, 64, 65, 2 ** 40, -8]),
    });
    for (let i = 0; i < 3000; i++) {
      const frameCount = Math.floor(random() * 3);
      const frames = new Uint8Array(pick([0, 64, 128, 192]));
      const header =
        random() < 0.7 ? { v: gen(0), f: Array.from({ length: frameCount }, genEntry) } : gen(0);
      let text = JSON.stringify(header) ?? 'null';
      if (random() < 0.1) text = text.slice(0, Math.floor(random() * text.length)); // broken JSON
      attempt(
        rawBody(text, frames, {
          frameCount: random() < 0.9 ? frameCount : Math.floor(random() * 10),
        }),
      );
    }
  });

  it('survives 2000 random byte strings with a valid magic', () => {
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.allocUnsafeSlow(Math.floor(random() * 512));
      for (let k = 0; k < body.length; k++) body[k] = Math.floor(random() * 256);
      if (body.length >= 5 && random() < 0.8) {
        FRAMES_MAGIC.forEach((b, j) => (body[j] = b));
        body[4] = 1;
      }
      attempt(body);
    }
  });

  it('refuses wrong magic, version, flags and reserved bytes', () => {
    const wrong = Buffer.from(valid);
    wrong[0] = 0x7b; // "{": a JSON body sent with the frames content type
    rejects(wrong, /wrong magic bytes/);
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { version: 2 }),
      /unsupported version 2; this side reads version 1/,
    );
    rejects(rawBody('{"v":1,"f":[]}', undefined, { version: 0 }), /unsupported version 0/);
    rejects(rawBody('{"v":1,"f":[]}', undefined, { flags: 4 }), /unknown flags 0x4/);
    const reserved = rawBody('{"v":1,"f":[]}');
    reserved[7] = 1;
    rejects(reserved, /reserved preamble bytes/);
  });

  it('refuses huge declared lengths and counts without allocating for them', () => {
    const before = process.memoryUsage().arrayBuffers;
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { headerBytes: 0xffff_ffff }),
      /header length 4294967295 is over the limit/,
    );
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { headerBytes: 1_000_000 }),
      /header length 1000000 runs past the end of the 64-byte body/,
    );
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { frameCount: 0xffff_ffff }),
      /frame count 4294967295 is over the limit/,
    );
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { framesBytes: 2n ** 64n - 1n }),
      /declares 18446744073709551679 bytes/,
    );
    rejects(
      rawBody('{"v":1,"f":[]}', undefined, { framesBytes: 2n ** 53n + 1n }),
      /truncated or trailing/,
    );
    const frames = new Uint8Array(64);
    rejects(
      rawBody(
        '{"v":{"$f":0},"f":[{"type":"Uint8Array","offset":0,"byteLength":1099511627776}]}',
        frames,
        { frameCount: 1 },
      ),
      /runs past the 64-byte frames section/,
    );
    rejects(
      rawBody(
        '{"v":{"$f":0},"f":[{"type":"Uint8Array","offset":9007199254740992,"byteLength":8}]}',
        frames,
        { frameCount: 1 },
      ),
      /not a non-negative integer/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });

  it('refuses frame tables that break the rules, naming the rule', () => {
    const frames = new Uint8Array(256);
    const one = (entry: string, count = 1) =>
      rawBody(`{"v":{"$f":0},"f":[${entry}]}`, frames, { frameCount: count });
    rejects(one('{"type":"Function","offset":0,"byteLength":8}'), /type that is not allowed/);
    rejects(one('{"type":"__proto__","offset":0,"byteLength":8}'), /type that is not allowed/);
    rejects(one('{"type":"constructor","offset":0,"byteLength":8}'), /type that is not allowed/);
    rejects(one('{"offset":0,"byteLength":8}'), /type that is not allowed/);
    rejects(
      one('{"type":"Float64Array","offset":8,"byteLength":8}'),
      /starts at 8, not a multiple of 64/,
    );
    rejects(
      one('{"type":"Float64Array","offset":0,"byteLength":12}'),
      /12 bytes, not a whole number of 8-byte elements/,
    );
    rejects(
      one('{"type":"Float64Array","offset":-64,"byteLength":8}'),
      /not a non-negative integer/,
    );
    rejects(
      one('{"type":"Float64Array","offset":0,"byteLength":8}', 2),
      /does not list the 2 frames/,
    );
    rejects(
      one(
        '{"type":"Uint8Array","offset":64,"byteLength":64},{"type":"Uint8Array","offset":64,"byteLength":8}',
        2,
      ),
      /overlapping the frame before it/,
    );
    rejects(
      rawBody('{"v":{"$f":1},"f":[{"type":"Uint8Array","offset":0,"byteLength":8}]}', frames, {
        frameCount: 1,
      }),
      /frame reference 1 is not in the frame table/,
    );
    rejects(rawBody('{"v":{"$f":"0"},"f":[]}'), /frame reference at v is not an integer/);
  });

  it('refuses bad tags and headers, naming the path', () => {
    rejects(rawBody('{"v":{"a":[{"$x":1}]},"f":[]}'), /unknown tag "\$x" at v\.a\.0/);
    rejects(rawBody('{"v":{"$n":"1e999"},"f":[]}'), /unknown special number/);
    rejects(rawBody('{"v":{"$b":"12g"},"f":[]}'), /bigint at v is not lower-case hexadecimal/);
    rejects(rawBody('{"v":{"$b":"0x12"},"f":[]}'), /bigint/);
    rejects(rawBody('{"v":{"$u":0},"f":[]}'), /undefined tag/);
    rejects(rawBody('{"v":{"$d":"2020"},"f":[]}'), /date at v/);
    rejects(rawBody('{"v":{"$o":[1]},"f":[]}'), /escaped object at v/);
    rejects(rawBody('{"v":1}'), /not an object with "v" and "f"/);
    rejects(rawBody('[1,2]'), /not an object with "v" and "f"/);
    rejects(rawBody('{"v":1,"f":[]'), /not UTF-8 JSON/);
    const badUtf8 = rawBody('{"v":"xx","f":[]}');
    badUtf8[PREAMBLE_BYTES + 6] = 0xff;
    rejects(badUtf8, /not UTF-8 JSON/);
  });

  it('refuses nesting over the depth limit, even 8 million levels deep, in milliseconds', () => {
    rejects(rawBody(`{"v":${'['.repeat(65)}${']'.repeat(65)},"f":[]}`), /nesting deeper than 64/);
    rejects(
      rawBody(`{"v":${'{"a":'.repeat(100)}1${'}'.repeat(100)},"f":[]}`),
      /nesting deeper than 64 at v(\.a)+/,
    );
    // V8 takes seconds to parse this; the pre-scan refuses it in milliseconds.
    const t = Date.now();
    rejects(
      rawBody(`{"v":${'['.repeat(8_000_000)}${']'.repeat(8_000_000)},"f":[]}`),
      /nesting deeper than 64/,
    );
    expect(Date.now() - t).toBeLessThan(1000);
    // Brackets inside strings do not count.
    const text = `${'[{'.repeat(500)}\\"[ ]]`; // a backslash, a quote and brackets, all inside a string
    expect(decodeFrames(rawBody(JSON.stringify({ v: [text], f: [] })))).toEqual([text]);
    expect(decodeFrames(rawBody(`{"v":${'['.repeat(64)}${']'.repeat(64)},"f":[]}`))).toBeDefined();
  });

  it('lets the caller tighten the limits', () => {
    expect(() => decodeFrames(valid, { maxHeaderBytes: 16 })).toThrow(/over the limit of 16 bytes/);
    expect(() => decodeFrames(valid, { maxFrames: 2 })).toThrow(/over the limit of 2/);
    expect(() => decodeFrames(valid, { maxDepth: 2 })).toThrow(/nesting deeper than 2/);
  });
});
