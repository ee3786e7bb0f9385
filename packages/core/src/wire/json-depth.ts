/**
 * The deepest nesting of `[` and `{` in UTF-8 JSON text, stopping as soon as it passes `limit`.
 * Run before JSON.parse because V8 parses deeply nested text slowly (about 3 s for 16 MiB of
 * `[[[[…`), so a small hostile header could hold the event loop; this scan is linear and cheap.
 * Bytes inside strings are skipped; UTF-8 continuation bytes are all ≥ 0x80, so they never look
 * like brackets or quotes.
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > limit) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}
