import { DTYPES, type DType, type TypedArrayOf } from '../wire/dtype';
import { toHalfBits } from '../wire/float16';
import { describeElement, elementCount, forEachElement, type NestedProblem } from './nested-arrays';

type NumberStore = { [index: number]: number };
type BigIntStore = { [index: number]: bigint };

/** How a JSON (or JS) value becomes one element of a dtype's TypedArray, exactly or not at all. */
interface ElementRule {
  /** What an element must be, for messages: "an integer from -128 to 127". */
  expected: string;
  /** Stores `value` at `index` and returns true, or returns false and stores nothing. */
  store(out: unknown, index: number, value: unknown): boolean;
}

function integerRule(min: number, max: number): ElementRule {
  return {
    expected: `an integer from ${min} to ${max}`,
    store(out, index, value) {
      // Range before storing: a TypedArray would wrap 300 to 44 in an int8 without a word.
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        return false;
      (out as NumberStore)[index] = value;
      return true;
    },
  };
}

/** No 64-bit integer needs more characters; the bound keeps BigInt's parse of a string short. */
const MAX_DECIMAL_CHARS = 64;
const DECIMAL_INTEGER = /^-?\d+$/;

/** `value` as a bigint when it stands for one integer exactly, else undefined. */
function exactBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  // A number past 2^53 may already be another integer than the one written in the JSON text.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && value.length <= MAX_DECIMAL_CHARS && DECIMAL_INTEGER.test(value))
    return BigInt(value);
  return undefined;
}

function bigIntegerRule(min: bigint, max: bigint): ElementRule {
  return {
    expected: `an integer from ${min} to ${max} (as a safe-integer number, a bigint or a decimal string)`,
    store(out, index, value) {
      const big = exactBigInt(value);
      if (big === undefined || big < min || big > max) return false;
      (out as BigIntStore)[index] = big;
      return true;
    },
  };
}

// Floats take any number: rounding to the nearest float is what a float tensor means, and NaN and
// ±Infinity (which JSON cannot carry, but a JS caller can) are float values too.
const FLOAT: ElementRule = {
  expected: 'a number',
  store(out, index, value) {
    if (typeof value !== 'number') return false;
    (out as NumberStore)[index] = value;
    return true;
  },
};

const FLOAT16: ElementRule = {
  expected: 'a number',
  store(out, index, value) {
    if (typeof value !== 'number') return false;
    (out as NumberStore)[index] = toHalfBits(value);
    return true;
  },
};

const BOOL: ElementRule = {
  expected: 'true, false, 1 or 0',
  store(out, index, value) {
    if (value !== true && value !== false && value !== 0 && value !== 1) return false;
    (out as NumberStore)[index] = value ? 1 : 0;
    return true;
  },
};

const RULES: { readonly [D in DType]: ElementRule } = {
  float32: FLOAT,
  float64: FLOAT,
  float16: FLOAT16,
  int8: integerRule(-(2 ** 7), 2 ** 7 - 1),
  uint8: integerRule(0, 2 ** 8 - 1),
  int16: integerRule(-(2 ** 15), 2 ** 15 - 1),
  uint16: integerRule(0, 2 ** 16 - 1),
  int32: integerRule(-(2 ** 31), 2 ** 31 - 1),
  uint32: integerRule(0, 2 ** 32 - 1),
  int64: bigIntegerRule(-(2n ** 63n), 2n ** 63n - 1n),
  uint64: bigIntegerRule(0n, 2n ** 64n - 1n),
  bool: BOOL,
};

/**
 * The elements of nested arrays of shape `shape` (checked by `nestedShape`) as a TypedArray of
 * `dtype`, in one pass; or the first element that does not fit, with its path and what was expected.
 */
export function elementsOf<D extends DType>(
  dtype: D,
  nested: unknown,
  shape: readonly number[],
): TypedArrayOf<D> | NestedProblem {
  const rule = RULES[dtype];
  const Ctor = DTYPES[dtype] as unknown as new (length: number) => TypedArrayOf<D>;
  const out = new Ctor(elementCount(shape));
  const problem = forEachElement(nested, shape, rule.expected, (element, index) =>
    rule.store(out, index, element)
      ? undefined
      : `${describeElement(element)} is not ${rule.expected}`,
  );
  return problem ?? out;
}
