import type { ServerResponse } from 'node:http';
import { secondsFromEnv } from '../config/env-seconds';

/**
 * How long an answer may wait for a client that takes none of its bytes. A client that stops
 * reading (or reads a byte a second: TCP then sends nothing until a whole segment fits its
 * window) would otherwise keep the answer's buffers, its connection and, for a stream, the
 * generator and its concurrency slot for as long as it likes.
 */
export const SEND_TIMEOUT_ENV = 'BENTO_SEND_TIMEOUT';
/** Seconds: a client on a slow link still takes some bytes every few seconds. */
export const DEFAULT_SEND_TIMEOUT_S = 30;

/** `BENTO_SEND_TIMEOUT` in milliseconds (seconds in the variable, decimals allowed); throws on a bad value. */
export function sendTimeoutMs(value: string | undefined = process.env[SEND_TIMEOUT_ENV]): number {
  return secondsFromEnv(SEND_TIMEOUT_ENV, value, DEFAULT_SEND_TIMEOUT_S);
}

/**
 * Cuts the connection of `res` when its client takes no bytes for `timeoutMs` while some are
 * waiting to be sent. Armed only while bytes wait (the answer was written but not yet taken, or a
 * stream waits for 'drain'), so a long computation before the answer, or a stream idle between
 * values, is never cut. Node's socket timeout counts any progress of the pending write as
 * activity: a client that reads slowly but steadily is not cut, one that stalls is.
 * Destroying the response emits its 'close': a stream's pump sees its call stopped and closes
 * the generator, which frees the call's slot.
 */
export function cutIfStalled(res: ServerResponse, timeoutMs: number, onCut: () => void): () => void {
  const socket = res.socket;
  if (!socket || res.destroyed) return noop;
  const cut = () => {
    onCut();
    res.destroy();
  };
  socket.setTimeout(timeoutMs);
  socket.once('timeout', cut);
  return () => {
    socket.off('timeout', cut);
    // Back to no timeout while the stream waits for its next value. Not after a finished answer:
    // by then the server has set the connection's keep-alive idle timer, which must stay.
    if (!res.writableFinished && !socket.destroyed) socket.setTimeout(0);
  };
}

/** Watches an answer just written with `end()`: cut if its client stalls before taking all of it. */
export function watchFinishedAnswer(res: ServerResponse, onCut: () => void): void {
  if (res.writableFinished || res.destroyed) return;
  const disarm = cutIfStalled(res, sendTimeoutMs(), onCut);
  res.once('finish', disarm);
  res.once('close', disarm);
}

function noop(): void {}
