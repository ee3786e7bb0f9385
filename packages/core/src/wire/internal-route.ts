// How services of a graph reach each other's internal route: shared by the server that answers
// it and the runtime that calls it.

/** Env var holding the graph's secret token for internal calls; `bento serve` sets a fresh one. */
export const INTERNAL_TOKEN_ENV = 'BENTO_INTERNAL_TOKEN';
/** Header an internal call carries the token in. */
export const INTERNAL_TOKEN_HEADER = 'x-bento-internal-token';
/** Internal routes: `POST /_bento/call/<method>` with a frames body `{ input }`, answered `{ result }`. */
export const INTERNAL_ROUTE_PREFIX = '/_bento/call/';
