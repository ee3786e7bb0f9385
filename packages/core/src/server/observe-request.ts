import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { AccessLog } from './access-log';
import type { ServiceMetrics } from './metrics';
import { requestIdOf } from './request-id';
import { UI_ENDPOINT, type StaticUi } from './static-ui';

/**
 * Express middleware for the routes outside the API hot path: gives every response an
 * `x-request-id`, writes one access line and records the request metrics. Paths not in `known`
 * are recorded as endpoint "unmatched" so a scan of random URLs cannot blow up label cardinality;
 * for the same reason every request a service's web page takes is recorded as endpoint `/`.
 */
export function observeRequest(metrics: ServiceMetrics, accessLog: AccessLog, known: ReadonlySet<string>, apiRoutes: ReadonlySet<string>, ui?: StaticUi) {
  return function observe(req: Request, res: Response, next: NextFunction): void {
    // A POST to an API route that reached express (a trailing slash) is observed by the API handler itself.
    if (req.method === 'POST' && apiRoutes.has(req.path.replace(/\/$/, ''))) return next();
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const endpoint = known.has(req.path)
      ? req.path
      : req.path.startsWith('/docs/assets/')
        ? '/docs/assets'
        : ui?.takes(req.method, req.path)
          ? UI_ENDPOINT
          : 'unmatched';
    metrics.begin(endpoint);
    res.once('finish', () => {
      const ms = performance.now() - started;
      metrics.finish(endpoint, res.statusCode, ms / 1000);
      accessLog.write(requestId, req.method, req.originalUrl, res.statusCode, ms);
    });
    next();
  };
}
