// Argument errors of the SDXL app, in the workspace's one shape:
// "Expected <what> for <name> but received <value>" (TypeError for a wrong type, RangeError for a
// right type with a wrong value).

/** A short, safe description of any value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? 'a function' : String(value);
  }
  if (ArrayBuffer.isView(value)) {
    const length = 'length' in value ? (value as { length: number }).length : value.byteLength;
    return `${value.constructor.name}(${length})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return 'an object';
}

/** A TypeError for a value of the wrong type. */
export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${what} for ${name} but received ${describeValue(value)}`);
}

/** A RangeError for a value of the right type outside what is accepted. */
export function rangeError(what: string, name: string, value: unknown): RangeError {
  return new RangeError(`Expected ${what} for ${name} but received ${describeValue(value)}`);
}

/** An integer in [min, max]: a TypeError when not a number, a RangeError otherwise. */
export function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`an integer in [${min}, ${max}]`, name, value);
  }
  return value;
}
