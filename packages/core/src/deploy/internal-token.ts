import { randomBytes } from 'node:crypto';

/** A fresh internal token for a graph: 32 random bytes as hex, as `bento serve` makes its own. */
export function newInternalToken(): string {
  return randomBytes(32).toString('hex');
}
