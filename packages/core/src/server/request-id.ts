import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A caller's request id that is kept (and written to logs and headers as is). */
export const SAFE_REQUEST_ID = /^[\w\-.:]{1,128}$/;

/** The caller's `x-request-id` when it is a safe token, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
