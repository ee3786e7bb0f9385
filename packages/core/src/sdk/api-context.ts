import type { IncomingHttpHeaders } from 'node:http';

/** What an API method receives as its second argument. */
export interface ApiContext {
  /** The request's id, also sent back as `x-request-id`. */
  readonly requestId: string;
  /** Aborted when the request times out or the client goes away: long work should stop then. */
  readonly signal: AbortSignal;
  readonly headers: IncomingHttpHeaders;
  /**
   * What the method adds to its answer: `ctx.response.headers.set('x-seed', '42')` sends that
   * header with the result (as BentoML's `ctx.response` does). In-process calls have one too; it
   * goes nowhere.
   */
  readonly response: ApiResponseMetadata;
}

/** Headers an API method adds to its answer. */
export interface ApiResponseMetadata {
  readonly headers: Headers;
}
