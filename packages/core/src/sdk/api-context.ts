import type { IncomingHttpHeaders } from 'node:http';

/** What an API method receives as its second argument. */
export interface ApiContext {
  /** The request's id, also sent back as `x-request-id`. */
  readonly requestId: string;
  /** Aborted when the request times out or the client goes away: long work should stop then. */
  readonly signal: AbortSignal;
  readonly headers: IncomingHttpHeaders;
}
