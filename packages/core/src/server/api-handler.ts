import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { issueDetails } from '../config/format-issues';
import { BentoError, InternalError, TimeoutError, TooManyRequestsError, ValidationError, toBentoError } from '../errors';
import type { ApiDefinition } from '../sdk/definition';
import type { ConcurrencyGate } from './concurrency-gate';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { readInput } from './read-input';
import { requestIdOf } from './request-id';
import { sendError, sendResult } from './respond';

/** What an API method receives as its second argument. */
export interface ApiContext {
  /** The request's id, also sent back as `x-request-id`. */
  readonly requestId: string;
  /** Aborted when the request times out or the client goes away: long work should stop then. */
  readonly signal: AbortSignal;
  readonly headers: IncomingHttpHeaders;
}

export interface ApiHandlerOptions {
  api: ApiDefinition;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  instance: any;
  serviceName: string;
  maxBodySize: number;
  timeoutSeconds: number;
  gate: ConcurrencyGate;
  metrics: ServiceMetrics;
  logger: Logger;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A lazily created AbortController: most requests never look at their signal, so most never pay for one. */
class LazyAbort {
  private controller?: AbortController;
  private reason?: Error;
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.reason && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }
  abort(reason: Error): void {
    this.reason ??= reason;
    this.controller?.abort(reason);
  }
}

async function validate(api: ApiDefinition, input: unknown): Promise<unknown> {
  if (!api.input) return input;
  const parsed = await api.input.safeParseAsync(input);
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error);
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  throw new ValidationError(`Invalid input: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, details);
}

async function checkOutput(api: ApiDefinition, result: unknown): Promise<unknown> {
  if (!api.output) return result;
  const parsed = await api.output.safeParseAsync(result);
  if (parsed.success) return parsed.data;
  throw new InternalError('Internal server error', undefined, new Error(`API ${api.method} returned a value that does not match its output schema: ${parsed.error.message}`));
}

/**
 * The request path of one API: read the body, validate it, call the method, answer. Runs outside
 * express's router (see create-server.ts) because every microsecond here is per request.
 */
export function createApiHandler(options: ApiHandlerOptions): RequestHandler {
  const { api, instance, maxBodySize, gate, metrics, logger } = options;
  const method = instance[api.method] as (input: unknown, ctx: ApiContext) => unknown;
  const timeoutMs = options.timeoutSeconds * 1000;
  const endpoint = api.route;

  return function handleApiRequest(req, res) {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const settleGauge = metrics.begin(endpoint);
    let answered = false;
    let timer: NodeJS.Timeout | undefined;

    const answer = (write: () => void | Promise<void>, statusOnError?: number): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      Promise.resolve()
        .then(write)
        .catch((error: unknown) => {
          // Encoding the result failed (e.g. a bad image); the status is not sent yet.
          logger.error({ request_id: requestId, err: error }, 'failed to encode the response');
          sendError(res, withRequestId(new InternalError(), requestId));
        })
        .finally(() => {
          const status = res.headersSent ? res.statusCode : (statusOnError ?? 500);
          settleGauge();
          metrics.finish(endpoint, status, (performance.now() - started) / 1000);
          logger.info({ request_id: requestId, method: req.method, path: req.url, status, duration_ms: round(performance.now() - started) }, 'request');
        });
    };
    const answerError = (thrown: unknown): void => {
      const error = toBentoError(thrown);
      if (error.status >= 500 && !(error instanceof TimeoutError)) {
        logger.error({ request_id: requestId, err: error.cause ?? error }, `${api.method} failed`);
      }
      answer(() => sendError(res, error.status === 500 ? withRequestId(error, requestId) : error), error.status);
    };

    if (!gate.tryEnter()) {
      req.resume();
      answerError(new TooManyRequestsError(`Service ${options.serviceName} is at its max_concurrency of ${gate.limit}; retry later`));
      return;
    }
    const abort = new LazyAbort();
    timer = setTimeout(() => {
      const error = new TimeoutError(`${api.method} did not finish within the ${options.timeoutSeconds}s traffic.timeout of ${options.serviceName}`, { timeout_seconds: options.timeoutSeconds });
      abort.abort(error);
      answerError(error);
    }, timeoutMs);
    res.once('close', () => {
      if (!answered) abort.abort(new Error('client closed the connection'));
    });
    const ctx: ApiContext = {
      requestId,
      headers: req.headers,
      get signal() {
        return abort.signal;
      },
    };

    let entered = true;
    const leave = () => {
      if (entered) {
        entered = false;
        gate.leave();
      }
    };
    readInput(req, maxBodySize, api.input)
      .then((input) => validate(api, input))
      .then((input) => method.call(instance, input, ctx))
      .then(
        async (result) => {
          leave();
          if (answered) return;
          const checked = await checkOutput(api, result);
          answer(() => sendResult(res, checked, req.headers.accept));
        },
        (error: unknown) => {
          leave();
          answerError(error);
        },
      )
      .catch(answerError);
  };
}

function withRequestId(error: BentoError, requestId: string): BentoError {
  const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
  return new InternalError('Internal server error', { ...details, request_id: requestId });
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
