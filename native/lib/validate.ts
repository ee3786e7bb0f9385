// Argument checks shared by the wrapper. Every failure reads
// "Expected <what> for <name> but received <value>" (TypeError for a wrong type,
// RangeError for a right type with a wrong value).
import type { Image } from './types';

/** Short, safe description of any value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'TypedArray';
    const length = 'length' in value ? (value as unknown as { length: number }).length : value.byteLength;
    return `${name}(${length})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return 'an object';
}

export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function rangeError(what: string, name: string, value: unknown): RangeError {
  return new RangeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function checkObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError('an object', name, value);
}

/** An integer within [min, max]. */
export function checkInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`an integer in [${min}, ${max}]`, name, value);
  }
  return value;
}

/** A finite number >= 0 (NaN and negatives are RangeErrors). */
export function checkThreshold(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError('a number', name, value);
  if (!Number.isFinite(value) || value < 0) throw rangeError('a finite number >= 0', name, value);
  return value;
}

export function checkOneOf<T>(value: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    const bad = typeof value === 'number' || typeof value === 'string' ? rangeError : typeError;
    throw bad(`one of ${list}`, name, value);
  }
  return value as T;
}

const MAX_SIDE = 1 << 20;

/** A packed H x W x C uint8 image whose buffer matches its size. */
export function checkImage(image: unknown, name: string, channels: readonly number[]): Image {
  checkObject(image, name);
  const { data } = image;
  if (!(data instanceof Uint8Array)) throw typeError('a Uint8Array', `${name}.data`, data);
  const width = checkInt(image.width, `${name}.width`, 1, MAX_SIDE);
  const height = checkInt(image.height, `${name}.height`, 1, MAX_SIDE);
  const c = checkOneOf(image.channels, `${name}.channels`, channels);
  const bytes = width * height * c;
  if (data.length !== bytes) {
    throw rangeError(`${bytes} bytes (${width}x${height}x${c})`, `${name}.data.length`, data.length);
  }
  return { data, width, height, channels: c };
}
