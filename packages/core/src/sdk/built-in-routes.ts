/**
 * The routes every service answers itself, with what each is for: the one list the server serves,
 * its metrics know, its OpenAPI document describes, and `@service` keeps APIs off.
 */
export const BUILT_IN_ROUTES = {
  '/livez': 'Liveness: the process is up',
  '/healthz': 'Health (same as /livez)',
  '/readyz': 'Readiness: the service and its dependencies can take requests',
  '/metrics': 'Prometheus metrics',
  '/docs.json': 'This OpenAPI document',
  '/docs': 'API documentation (Swagger UI)',
} as const;

export type BuiltInRoute = keyof typeof BUILT_IN_ROUTES;

/** Every path under this prefix is the framework's (`/_bento/call/<method>`, the internal route). */
export const RESERVED_PREFIX = '/_bento/';

/** Whether an API may not use `route`: a built-in route, or under the reserved prefix. */
export function isReservedRoute(route: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_ROUTES, route) || route.startsWith(RESERVED_PREFIX);
}
