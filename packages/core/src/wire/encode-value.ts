import { DEFAULT_FRAMES_LIMITS } from './format';
import { frameTypeOf, type FrameType } from './frame-types';
import { looksLikeTag, specialNumberText, TAG } from './tags';

/** A JSON value of the header. Objects are built with a null prototype, so any key is just data. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A binary view found in the value, in the order frames will be written. */
export interface FoundFrame {
  type: FrameType;
  bytes: Uint8Array;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object' && value !== null)
    return `a ${value.constructor?.name ?? 'null-prototype object'}`;
  return String(value);
}

function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the value' : path.join('.');
}

/**
 * Turns a call's value into a JSON tree with placeholders, collecting every binary view as a frame.
 * The same view met twice becomes one frame referenced twice, as a local call would see one object.
 * Plain objects and class instances both travel as their own enumerable string keys (what
 * `structuredClone` keeps); anything that cannot travel faithfully is refused with a TypeError
 * naming its path, on the caller's side, before a byte is sent.
 */
export function encodeValue(
  value: unknown,
  maxDepth = DEFAULT_FRAMES_LIMITS.maxDepth,
): { json: JsonValue; frames: FoundFrame[] } {
  const frames: FoundFrame[] = [];
  const frameIndex = new Map<ArrayBufferView, number>();
  const ancestors = new Set<object>();
  const path: (string | number)[] = [];

  const fail = (what: string, got: unknown): never => {
    throw new TypeError(`Expected ${what} for ${pathText(path)} but received ${describe(got)}`);
  };

  const walk = (v: unknown, depth: number): JsonValue => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number': {
        const special = specialNumberText(v);
        return special === undefined ? v : tag(TAG.number, special);
      }
      case 'bigint':
        return tag(TAG.bigint, v < 0n ? `-${(-v).toString(16)}` : v.toString(16));
      case 'undefined':
        return tag(TAG.undefined, 1);
      case 'object':
        break;
      default:
        return fail('a value the wire codec can carry', v);
    }
    if (v === null) return null;
    if (ArrayBuffer.isView(v)) return tag(TAG.frame, frameOf(v));
    if (v instanceof Date) {
      const time = v.getTime();
      return tag(TAG.date, Number.isNaN(time) ? null : time);
    }
    if (
      v instanceof ArrayBuffer ||
      v instanceof Map ||
      v instanceof Set ||
      v instanceof Promise ||
      v instanceof WeakMap
    ) {
      return fail(
        v instanceof ArrayBuffer
          ? 'a TypedArray or Buffer (wrap the ArrayBuffer in a Uint8Array)'
          : 'a value the wire codec can carry',
        v,
      );
    }
    if (depth >= maxDepth) return fail(`nesting at most ${maxDepth} deep`, v);
    if (ancestors.has(v)) return fail('a value without cycles', v);
    ancestors.add(v);
    let out: JsonValue;
    if (Array.isArray(v)) {
      const arr: JsonValue[] = new Array<JsonValue>(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        arr[i] = walk(v[i], depth + 1);
        path.pop();
      }
      out = arr;
    } else {
      const keys = Object.keys(v);
      const obj = Object.create(null) as { [key: string]: JsonValue };
      for (const key of keys) {
        path.push(key);
        obj[key] = walk((v as Record<string, unknown>)[key], depth + 1);
        path.pop();
      }
      out = looksLikeTag(keys) ? tag(TAG.object, obj) : obj;
    }
    ancestors.delete(v);
    return out;
  };

  const frameOf = (view: ArrayBufferView): number => {
    const known = frameIndex.get(view);
    if (known !== undefined) return known;
    const type = frameTypeOf(view);
    if (type === undefined)
      return fail('a TypedArray, DataView or Buffer of a supported type', view);
    const index = frames.length;
    // A Uint8Array view over exactly the view's bytes: what travels is the view, not its whole buffer.
    frames.push({ type, bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) });
    frameIndex.set(view, index);
    return index;
  };

  return { json: walk(value, 0), frames };
}

function tag(key: string, payload: JsonValue): JsonValue {
  const obj = Object.create(null) as { [key: string]: JsonValue };
  obj[key] = payload;
  return obj;
}
