import type { FramesLimits } from './format';
import { malformed } from './malformed';
import { SPECIAL_NUMBERS, TAG } from './tags';

const HEX = /^-?[0-9a-f]+$/;

/**
 * Rebuilds a value from the header's JSON tree, replacing tags with what they stand for. Objects are
 * built fresh; a `__proto__` key is defined as an own data property (as JSON.parse itself does), so
 * no key can reach a prototype. Nothing in the header is ever called or used to pick a constructor.
 */
export function decodeValue(
  json: unknown,
  frame: (index: number) => ArrayBufferView,
  limits: FramesLimits,
): unknown {
  const walk = (v: unknown, depth: number, path: string): unknown => {
    if (typeof v !== 'object' || v === null) return v; // string, finite number, boolean, null
    if (depth >= limits.maxDepth)
      throw malformed(`nesting deeper than ${limits.maxDepth} at ${path}`);
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = walk(v[i], depth + 1, `${path}.${i}`);
      return out;
    }
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0]!.startsWith('$'))
      return untag(keys[0]!, (v as Record<string, unknown>)[keys[0]!], depth, path);
    return members(v as Record<string, unknown>, keys, depth, path);
  };

  const members = (
    v: Record<string, unknown>,
    keys: readonly string[],
    depth: number,
    path: string,
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const value = walk(v[key], depth + 1, `${path}.${key}`);
      if (key === '__proto__')
        Object.defineProperty(out, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = value;
    }
    return out;
  };

  const untag = (key: string, payload: unknown, depth: number, path: string): unknown => {
    switch (key) {
      case TAG.frame:
        if (typeof payload !== 'number' || !Number.isInteger(payload))
          throw malformed(`frame reference at ${path} is not an integer`);
        return frame(payload);
      case TAG.number: {
        const n = typeof payload === 'string' ? SPECIAL_NUMBERS.get(payload) : undefined;
        if (n === undefined) throw malformed(`unknown special number at ${path}`);
        return n;
      }
      case TAG.bigint:
        if (typeof payload !== 'string' || !HEX.test(payload))
          throw malformed(`bigint at ${path} is not lower-case hexadecimal`);
        return payload.startsWith('-') ? -BigInt(`0x${payload.slice(1)}`) : BigInt(`0x${payload}`);
      case TAG.undefined:
        if (payload !== 1) throw malformed(`undefined tag at ${path} does not carry 1`);
        return undefined;
      case TAG.date:
        if (payload !== null && typeof payload !== 'number')
          throw malformed(`date at ${path} is not a number or null`);
        return new Date(payload === null ? NaN : payload);
      case TAG.object:
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
          throw malformed(`escaped object at ${path} is not an object`);
        return members(payload as Record<string, unknown>, Object.keys(payload), depth, path);
      default:
        throw malformed(`unknown tag ${JSON.stringify(key.slice(0, 32))} at ${path}`);
    }
  };

  return walk(json, 0, 'v');
}
