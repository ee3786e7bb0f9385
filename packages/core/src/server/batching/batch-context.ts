import type { IncomingHttpHeaders } from 'node:http';
import type { ApiContext, ApiResponseMetadata } from '../../sdk/api-context';

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/**
 * The context of one merged call: it serves many callers, so it has the first caller's request
 * id (logs of the batch lead to one of its requests), no request headers (whose would they be?),
 * and response headers that go nowhere. Its signal aborts only once every caller has gone: the
 * work is still wanted while anyone waits for it.
 */
export class BatchContext implements ApiContext {
  readonly headers = NO_HEADERS;
  private responseMetadata?: ApiResponseMetadata;
  private controller?: AbortController;
  private release?: () => void;

  constructor(
    readonly requestId: string,
    private readonly callerSignals: readonly AbortSignal[],
  ) {}

  get response(): ApiResponseMetadata {
    return (this.responseMetadata ??= { headers: new Headers() });
  }

  /** Made on first use: most methods never look at it, and then no caller's signal is listened to. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      let open = this.callerSignals.length;
      const onAbort = () => {
        if (--open === 0) controller.abort(new Error('every caller of this batch left or timed out'));
      };
      const listening: AbortSignal[] = [];
      for (const signal of this.callerSignals) {
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          listening.push(signal);
        }
      }
      this.release = () => {
        for (const signal of listening) signal.removeEventListener('abort', onAbort);
      };
    }
    return this.controller.signal;
  }

  /**
   * Forgets the callers' signals once the batch is done: some live longer than one call (an
   * in-process caller's signal, a shared never-aborted one), and must not collect listeners.
   */
  dispose(): void {
    this.release?.();
    this.release = undefined;
  }
}
