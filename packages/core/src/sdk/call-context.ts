import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';
import type { TraceContext } from '../wire/trace-context';

/** What the request being served carries to the calls it makes: its id, its place in the trace, its deadline. */
export interface CallContext {
  requestId: string;
  trace: TraceContext;
  /** This hop's OpenTelemetry span, when an SDK is registered: the parent of the calls it makes. */
  span?: Span;
  /**
   * When the request must be answered, in `performance.now()` milliseconds (monotonic: a clock
   * change does not move it): its start plus the service's `traffic.timeout`, or sooner when its
   * caller had less time left (`x-bento-deadline-ms`). Calls to dependencies never run past it.
   */
  deadline: number;
}

/**
 * The request an API method is serving, wherever in its async work the code is: `depends()` calls
 * read it to send the request id and a child `traceparent` on, so every hop's logs share them.
 */
export const callContext = new AsyncLocalStorage<CallContext>();
