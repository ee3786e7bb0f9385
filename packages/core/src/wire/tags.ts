/**
 * The tags that stand in the JSON header for values JSON cannot hold. A tag is an object with
 * exactly one key, and that key is one of these. A user object that happens to have that shape
 * (one key starting with "$") is escaped with `$o`, so no user data is ever read as a tag.
 */
export const TAG = {
  /** `{"$f": 3}`: the binary view in frame 3. */
  frame: '$f',
  /** `{"$n": "NaN" | "Infinity" | "-Infinity" | "-0"}`: a number JSON has no text for. */
  number: '$n',
  /** `{"$b": "-1f"}`: a bigint, as hexadecimal (linear to parse, unlike decimal). */
  bigint: '$b',
  /** `{"$u": 1}`: undefined, kept where a local call would see it (object members, array slots). */
  undefined: '$u',
  /** `{"$d": 1700000000000}`: a Date as epoch milliseconds; `null` for an invalid Date. */
  date: '$d',
  /** `{"$o": {...}}`: a user object whose only key starts with "$", carried as-is. */
  object: '$o',
} as const;

/** The texts `$n` may carry and the numbers they stand for. */
export const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

/** The `$n` text of a number JSON cannot write, or undefined for an ordinary finite number. */
export function specialNumberText(n: number): string | undefined {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0 && 1 / n < 0) return '-0';
  return undefined;
}

/** True when an object of these keys would read as a tag and so must be escaped. */
export function looksLikeTag(keys: readonly string[]): boolean {
  return keys.length === 1 && keys[0]!.startsWith('$');
}
