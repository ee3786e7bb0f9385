import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError, NotFoundError, UnauthorizedError, type BentoError } from '../errors';
import type { RequestHandler } from './api-handler';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_HEADER } from '../wire/internal-route';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Constant time, so the token cannot be guessed byte by byte from response times.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Dispatches every request under `/_bento/call/`: the graph's token is checked before the method
 * name is even looked at, so a caller without it gets the same 401 for every name and cannot
 * probe which APIs exist. With the token: the API's handler, 405 for a method other than POST,
 * 404 for a name that is no API.
 */
export function internalDispatcher(
  token: string,
  handlers: ReadonlyMap<string, RequestHandler>,
  reject: (req: IncomingMessage, res: ServerResponse, error: BentoError) => void,
): RequestHandler {
  return function dispatchInternal(req, res) {
    const given = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof given !== 'string' || !sameToken(given, token)) {
      return reject(req, res, new UnauthorizedError(`Internal call refused: missing or wrong ${INTERNAL_TOKEN_HEADER}`));
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const name = url.slice(INTERNAL_ROUTE_PREFIX.length, query === -1 ? undefined : query);
    const handler = handlers.get(name);
    if (!handler) return reject(req, res, new NotFoundError(`This service has no API ${JSON.stringify(name)}`));
    if (req.method !== 'POST') return reject(req, res, new MethodNotAllowedError(`Internal calls are POSTs, not ${req.method}`, 'POST'));
    handler(req, res);
  };
}
