import type { Writable } from 'node:stream';
import type { EncodedFrames } from './encode';

/**
 * Writes an encoded body's chunks to a stream (an HTTP request or response, a socket) in one corked
 * batch, so Node hands them to the kernel together (writev) instead of one syscall per chunk, and
 * nothing is concatenated. Returns what the last `write` returned: false means wait for 'drain'
 * before writing more. The caller sets the headers before and calls `end()` after.
 */
export function writeFrames(stream: Writable, encoded: EncodedFrames): boolean {
  let ok = true;
  stream.cork();
  try {
    for (const chunk of encoded.chunks) ok = stream.write(chunk);
  } finally {
    stream.uncork();
  }
  return ok;
}
