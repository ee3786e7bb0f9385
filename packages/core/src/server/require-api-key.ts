import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnauthorizedError, type BentoError } from '../errors';
import type { RequestHandler } from './api-handler';
import { presentedKey, type ApiKeys } from './api-keys';

/**
 * Wraps a public API route's handler so that it runs only for a request that presents one of the
 * keys. A missing key and a wrong one get the same 401 with a `WWW-Authenticate` challenge, so a
 * caller learns nothing about which keys exist. Built once per route when keys are on: with keys
 * off the routes keep their bare handlers and the request path does no work for auth at all.
 */
export function requireApiKey(
  handler: RequestHandler,
  keys: ApiKeys,
  serviceName: string,
  refuse: (req: IncomingMessage, res: ServerResponse, error: BentoError) => void,
): RequestHandler {
  const challenge = `Bearer realm="${serviceName}"`;
  const message = `This API needs an API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"`;
  return function checkApiKey(req, res) {
    const key = presentedKey(req.headers);
    if (key === undefined || !keys.accepts(key)) {
      // A large upload without a key is not read to its end: the connection goes with the 401.
      if (!smallBody(req)) res.shouldKeepAlive = false;
      return refuse(req, res, new UnauthorizedError(message, challenge));
    }
    handler(req, res);
  };
}

/** Below this a refused body is read and dropped, keeping the connection for the caller's next try. */
const DRAINED_BODY_BYTES = 64 * 1024;

function smallBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length === undefined) return req.headers['transfer-encoding'] === undefined;
  return Number(length) <= DRAINED_BODY_BYTES;
}
