import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { ResolvedCorsOptions } from '../config/cors-options';
import { BentoError } from '../errors';
import type { RequestHandler } from './api-handler';
import { sendError } from './respond';

/** Request headers Bento itself reads: a page must be allowed to send them. */
const BENTO_REQUEST_HEADERS = ['authorization', 'content-type', 'x-api-key', 'x-request-id', 'traceparent', 'tracestate', 'x-bento-deadline-ms'];
/**
 * Response headers a Bento answer may carry that a page wants to read: Retry-After and the
 * not-started mark are what a client needs to retry a 429 or 503 safely.
 */
const BENTO_RESPONSE_HEADERS = ['x-request-id', 'x-bento-error-service', 'retry-after', 'x-bento-not-started'];

/** 403: a preflight from an origin the service's `cors.allow_origins` does not list. */
export class OriginNotAllowedError extends BentoError {
  constructor(origin: string) {
    super(`Origin ${origin} may not call this service (it is not in the service's cors.allow_origins)`, { status: 403, code: 'origin_not_allowed' });
  }
}

/**
 * A service's CORS policy (`@service({ cors })`). An allowed origin's answers carry
 * `Access-Control-Allow-Origin` and the headers it may read; another origin's carry none, so its
 * browser keeps the page from reading them. A preflight (OPTIONS with
 * `Access-Control-Request-Method`) is answered here, before any API key is asked for: 204 with the
 * allowed methods and headers, or 403 for an origin not allowed.
 */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;
  private readonly exposed: string;
  private readonly preflightHeaders: Record<string, string>;
  private readonly credentials: boolean;

  constructor(options: ResolvedCorsOptions) {
    this.anyOrigin = options.allow_origins === '*';
    this.origins = new Set(options.allow_origins === '*' ? [] : options.allow_origins);
    this.credentials = options.allow_credentials;
    this.exposed = unique([...BENTO_RESPONSE_HEADERS, ...(options.expose_headers ?? [])]).join(', ');
    this.preflightHeaders = {
      'access-control-allow-methods': (options.allow_methods ?? ['GET', 'POST']).join(', '),
      'access-control-allow-headers': unique([...BENTO_REQUEST_HEADERS, ...(options.allow_headers ?? [])]).join(', '),
      'access-control-max-age': String(options.max_age),
    };
  }

  /** The `Access-Control-Allow-Origin` value for a request from `origin`, or undefined when it is not allowed. */
  private allowedOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.anyOrigin) return '*';
    return this.origins.has(origin) ? origin : undefined;
  }

  /** Sets the CORS headers of an actual (not preflight) request's answer. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    // The answer depends on the Origin when origins are listed: caches must keep them apart.
    if (!this.anyOrigin) res.setHeader('vary', 'Origin');
    const allowed = this.allowedOrigin(req.headers.origin);
    if (allowed === undefined) return;
    res.setHeader('access-control-allow-origin', allowed);
    res.setHeader('access-control-expose-headers', this.exposed);
    if (this.credentials) res.setHeader('access-control-allow-credentials', 'true');
  }

  /** An API route's handler with the CORS headers set first (built once per route, only when CORS is on). */
  wrap(handler: RequestHandler): RequestHandler {
    return (req, res) => {
      this.decorate(req, res);
      handler(req, res);
    };
  }

  /** Express middleware for every other route: answers preflights, decorates the rest. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
      this.decorate(req, res);
      return next();
    }
    const origin = req.headers.origin;
    const allowed = this.allowedOrigin(origin);
    if (!this.anyOrigin) res.setHeader('vary', 'Origin');
    if (allowed === undefined) return sendError(res, new OriginNotAllowedError(origin ?? '(none)'));
    res.setHeader('access-control-allow-origin', allowed);
    if (this.credentials) res.setHeader('access-control-allow-credentials', 'true');
    for (const [name, value] of Object.entries(this.preflightHeaders)) res.setHeader(name, value);
    res.status(204).end();
  };
}

function unique(names: string[]): string[] {
  return [...new Set(names.map((name) => name.toLowerCase()))];
}
