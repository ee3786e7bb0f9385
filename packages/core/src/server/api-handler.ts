import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext, ApiResponseMetadata } from '../sdk/api-context';
import { performance } from 'node:perf_hooks';
import { BadGatewayError, InternalError, NotReadyError, RemoteError, TimeoutError, toBentoError, type BentoError } from '../errors';
import type { ApiDefinition } from '../sdk/definition';
import type { Admission, SlotWaiter } from './admission';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { AccessLog } from './access-log';
import type { BodyLimits } from './body-limits';
import { readInput } from './read-input';
import { requestIdOf } from './request-id';
import { callContext } from '../sdk/call-context';
import { DEADLINE_HEADER, NOT_STARTED_HEADER } from '../wire/deadline-header';
import { callTimeoutMs } from './call-deadline';
import { callerTrace, childSpan, TRACEPARENT_HEADER, TRACESTATE_HEADER, type TraceContext } from '../wire/trace-context';
import type { Span } from '@opentelemetry/api';
import { registeredTracer, traceContextOf } from '../sdk/otel-tracer';
import { endServerSpan, startServerSpan, withActiveSpan } from './server-span';
import { sendError, sendResult } from './respond';
import { SEND_TIMEOUT_ENV, watchFinishedAnswer } from './send-timeout';
import { iteratorOf, pumpStream, type StreamingCall } from './pump-stream';
import { SSE_SINK } from './sse-sink';
import type { StreamSink } from './stream-sink';
import { invalidInputError, SchemaRunner } from './schema-runner';
import type { ServiceState } from './service-state';
import { routeBatcher } from './batching/registry';
import type { BatchDispatcher } from './batching/dispatcher';

export interface ApiHandlerOptions {
  api: ApiDefinition;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  instance: any;
  serviceName: string;
  limits: BodyLimits;
  timeoutSeconds: number;
  /** The server's phase (calls run only when ready) and its count of responses in flight. */
  state: ServiceState;
  /** `max_concurrency` and the queue of `external_queue`. */
  gate: Admission;
  metrics: ServiceMetrics;
  logger: Logger;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How a route reads a call's input and writes its result: the public codec (JSON and multipart
 * in, JSON or an image out) or the internal frames codec used between services.
 */
export interface CallCodec {
  read(req: IncomingMessage, limits: BodyLimits, api: ApiDefinition): Promise<unknown>;
  write(res: ServerResponse, result: unknown, req: IncomingMessage, requestId: string): Promise<void> | void;
  /** How a streaming API's values are written. */
  stream: StreamSink;
}

/** The public API codec: JSON or multipart/form-data in; an image, bytes or JSON out. */
export const HTTP_CODEC: CallCodec = {
  read: (req, limits, api) => readInput(req, limits, api.input),
  write: (res, result, req, requestId) => sendResult(res, result, req.headers.accept, requestId),
  stream: SSE_SINK,
};

/** What every call of one API shares; built once when the server starts. */
interface ApiRoute extends ApiHandlerOptions {
  method: (input: unknown, ctx: ApiContext) => unknown;
  input?: SchemaRunner;
  output?: SchemaRunner;
  timeoutMs: number;
  accessLog: AccessLog;
  codec: CallCodec;
  /** The path metrics and logs know this route by. */
  endpoint: string;
  /** A batchable API's calls go through it, merged with other calls (see batching/dispatcher.ts). */
  batcher?: BatchDispatcher;
}

/**
 * One request to an API. A class rather than closures: the request path allocates one object
 * instead of a dozen functions, which shows at tens of thousands of requests per second.
 */
class ApiCall implements ApiContext, SlotWaiter {
  readonly started = performance.now();
  readonly requestId: string;
  private answered = false;
  private holdsSlot = false;
  private timer?: NodeJS.Timeout;
  /** The API's traffic.timeout, or the time its caller had left when that was less (call-deadline.ts). */
  private timeoutMs = 0;
  private controller?: AbortController;
  private abortReason?: Error;
  private responseMetadata?: ApiResponseMetadata;
  private streamOpen = false;
  /** The connection closed before the answer: the request ends as 499 whatever the method does. */
  private clientLeft = false;
  /** Set while the call waits for a slot: what stops waiting when the client leaves. */
  private leftWhileWaiting?: () => void;

  /** This call's span: a child of the caller's `traceparent`, or the first of a new trace. */
  readonly trace: TraceContext;
  /** The same span as OpenTelemetry's, only while an SDK is registered (see otel-tracer.ts). */
  private readonly span?: Span;

  constructor(
    private readonly route: ApiRoute,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.requestId = requestIdOf(req);
    const caller = callerTrace(req.headers[TRACEPARENT_HEADER], req.headers[TRACESTATE_HEADER]);
    const tracer = registeredTracer();
    if (tracer) {
      this.span = startServerSpan(tracer, route, caller, this.requestId);
      this.trace = traceContextOf(this.span);
    } else {
      this.trace = childSpan(caller);
    }
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  /** Made on first use: most methods add nothing to their answer. */
  get response(): ApiResponseMetadata {
    return (this.responseMetadata ??= { headers: new Headers() });
  }

  /**
   * Created on first use, and only then watching for the client going away: most methods never
   * look at their signal, and a listener per request shows at tens of thousands of requests/s.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      const clientLeft = () => {
        if (this.answered) return;
        this.clientLeft = true;
        this.abort(new Error('client closed the connection'));
      };
      // A client that left before the method first read its signal: that 'close' was emitted already.
      if (this.res.destroyed) clientLeft();
      else this.res.once('close', clientLeft);
    }
    if (this.abortReason && !this.controller.signal.aborted) this.controller.abort(this.abortReason);
    return this.controller.signal;
  }

  start(): void {
    const { route } = this;
    route.state.track(this.res);
    route.metrics.begin(route.endpoint);
    if (!route.state.acceptsCalls) {
      // While draining, the connection goes with this answer: the client reconnects elsewhere.
      if (route.state.phase === 'closing') this.res.shouldKeepAlive = false;
      return this.refuse(notReady(route));
    }
    const timeoutMs = callTimeoutMs(this.req.headers[DEADLINE_HEADER], route.timeoutMs, route.serviceName);
    if (typeof timeoutMs !== 'number') return this.refuse(timeoutMs);
    const entry = route.gate.enter(this);
    if (entry === 'refused') return this.refuse(route.gate.refusal());
    this.timeoutMs = timeoutMs;
    // From arrival: time spent waiting for a slot counts against the call's timeout.
    this.timer = setTimeout(onTimeout, timeoutMs, this);
    if (entry === 'waiting') this.waitForSlot();
    else this.runOnSlot();
  }

  private runOnSlot(): void {
    this.holdsSlot = true;
    // Everything the method does, generators' steps included, sees this request as its context.
    const context = { requestId: this.requestId, trace: this.trace, span: this.span, deadline: this.started + this.timeoutMs };
    callContext.run(context, () => {
      if (this.span) withActiveSpan(this.span, () => this.runCaught());
      else this.runCaught();
    });
  }

  private runCaught(): void {
    this.run().catch((error: unknown) => this.fail(error));
  }

  /** Off the hot path: only a call over max_concurrency with a queue (or a worker out of leased slots) waits. */
  private waitForSlot(): void {
    const left = () => {
      this.stopWaiting();
      this.route.gate.abandon(this);
      this.clientLeft = true;
      this.fail(undefined);
    };
    this.leftWhileWaiting = left;
    // A client gone before this point emitted its 'close' already.
    if (this.res.destroyed) left();
    else this.res.once('close', left);
  }

  /** Whether the call was waiting for a slot; it is not any more. */
  private stopWaiting(): boolean {
    if (!this.leftWhileWaiting) return false;
    this.res.off('close', this.leftWhileWaiting);
    this.leftWhileWaiting = undefined;
    return true;
  }

  slotGranted(): void {
    this.stopWaiting();
    this.runOnSlot();
  }

  slotRefused(error: BentoError): void {
    this.stopWaiting();
    // Refused while draining: the client reconnects elsewhere.
    if (this.route.state.phase === 'closing') this.res.shouldKeepAlive = false;
    this.refuse(error);
  }

  /** Answers before the method runs, marked so (`x-bento-not-started`): a caller may safely send it again. */
  private refuse(error: BentoError): void {
    this.req.resume();
    this.res.setHeader(NOT_STARTED_HEADER, '1');
    this.fail(error);
  }

  private async run(): Promise<void> {
    const { route } = this;
    let result: unknown;
    try {
      const body = await route.codec.read(this.req, route.limits, route.api);
      // Synchronous where the schema allows: an await on a plain value still costs a microtask.
      let input = route.input ? route.input.parse(body, invalidInputError) : body;
      if (input instanceof Promise) input = await input;
      result = await (route.batcher ? route.batcher.submit(input, this) : route.method.call(route.instance, input, this));
      // A stream holds its slot until the generator is done: the work goes on while it yields.
      if (route.api.streaming) return await this.stream(result);
    } finally {
      this.leaveSlot();
    }
    if (this.answered) return;
    if (this.clientLeft) return this.fail(undefined);
    if (isAsyncIterable(result)) throw streamingNotSupported(route.api.method);
    if (route.output) result = await route.output.parse(result, invalidOutput(route.api.method));
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    // What the method added to its answer; writeHead merges these with the codec's own headers.
    this.responseMetadata?.headers.forEach((value, name) => this.res.setHeader(name, value));
    const written = route.codec.write(this.res, result, this.req, this.requestId);
    if (written) await written;
    this.finish(this.res.statusCode);
  }

  private async stream(result: unknown): Promise<void> {
    const iterator = iteratorOf(result);
    if (!iterator) throw new Error(`API ${this.route.api.method} is a generator method but returned ${typeof result}`);
    // Watch for the client going away from now on: the generator is closed when it does.
    void this.signal;
    const ended = await pumpStream(iterator, new StreamOfCall(this, this.res));
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    // The stream stopped because its reader left.
    this.finish(ended ? 200 : CLIENT_CLOSED_REQUEST);
  }

  /** Writes the head of a stream, with what the method added to its answer before its first value. */
  openStream(): void {
    this.streamOpen = true;
    this.responseMetadata?.headers.forEach((value, name) => this.res.setHeader(name, value));
    this.route.codec.stream.open(this.res, this.requestId);
  }

  /** Whether a stream should stop: answered otherwise (timeout) or its client left. */
  get streamStopped(): boolean {
    return this.answered || (this.controller?.signal.aborted ?? false);
  }

  /** The API's output schema, applied to each value of a stream. */
  checkStreamValue(value: unknown): unknown {
    const { output, api } = this.route;
    return output ? output.parse(value, invalidOutput(api.method)) : value;
  }

  get streamSink(): StreamSink {
    return this.route.codec.stream;
  }

  timeout(): void {
    const { route, timeoutMs } = this;
    if (this.stopWaiting()) {
      route.gate.abandon(this);
      this.refuse(new TimeoutError(`${route.api.method} waited for a slot (max_concurrency ${route.gate.limit}) for the whole ${timeoutMs / 1000}s ${timeoutMs < route.timeoutMs ? `its caller had left (${DEADLINE_HEADER})` : `traffic.timeout of ${route.serviceName}`}; it did not run`, {
        timeout_seconds: timeoutMs / 1000,
        queued: true,
      }));
      return;
    }
    const error =
      timeoutMs < route.timeoutMs
        ? new TimeoutError(`${route.api.method} did not finish within the ${timeoutMs / 1000}s its caller had left (${DEADLINE_HEADER})`, { timeout_seconds: timeoutMs / 1000 })
        : new TimeoutError(`${route.api.method} did not finish within the ${timeoutMs / 1000}s traffic.timeout of ${route.serviceName}`, { timeout_seconds: timeoutMs / 1000 });
    this.abort(error);
    this.fail(error);
  }

  /** Answers with an error, once; errors after the answer (e.g. a late method failure) are only logged. */
  fail(thrown: unknown): void {
    const { route } = this;
    // The client left and the method gave up (its signal aborted): nobody to answer, nothing broke.
    if (this.clientLeft && !this.answered) {
      this.answered = true;
      clearTimeout(this.timer);
      this.finish(CLIENT_CLOSED_REQUEST);
      return;
    }
    let error: BentoError = toBentoError(thrown);
    if (error instanceof RemoteError && REFUSED_BY_DEPENDENCY.has(error.status)) {
      route.logger.error({ request_id: this.requestId, err: error, dependency: error.service, dependency_status: error.status }, `${route.api.method}: a dependency refused the call`);
      error = new BadGatewayError(`A dependency of ${route.serviceName} refused the call (HTTP ${error.status}); the details are in ${route.serviceName}'s logs`, { request_id: this.requestId });
    }
    // Timeouts and calls before the service is ready are expected answers, not failures to log.
    if (error.status >= 500 && !(error instanceof TimeoutError) && !(error instanceof NotReadyError)) {
      route.logger.error({ request_id: this.requestId, err: error.cause ?? error }, `${route.api.method} failed`);
    }
    if (this.streamOpen) {
      this.failStream(error);
      return;
    }
    if (this.answered && this.res.headersSent) {
      // The response is half-written (an encoder failed mid-way): cut the connection.
      if (!this.res.writableEnded) this.res.destroy();
      return;
    }
    this.answered = true;
    clearTimeout(this.timer);
    // A remote 500 already hides its internals and carries the callee's request id: pass it on as is.
    if (error.status === 500 && !(error instanceof RemoteError)) error = new InternalError('Internal server error', { request_id: this.requestId });
    sendError(this.res, error, this.requestId);
    this.finish(error.status);
  }

  /** A stream already under way ends with an error event in place of its end. */
  private failStream(error: BentoError): void {
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    if (error.status === 500 && !(error instanceof RemoteError)) error = new InternalError('Internal server error', { request_id: this.requestId });
    const origin = (error as { service?: unknown }).service;
    if (!this.res.writableEnded && !this.res.destroyed) this.route.codec.stream.error(this.res, error, typeof origin === 'string' ? origin : undefined);
    this.finish(error.status);
  }

  private finish(status: number): void {
    const { route } = this;
    const ms = performance.now() - this.started;
    route.metrics.finish(route.endpoint, status, ms / 1000);
    route.accessLog.write(this.requestId, 'POST', this.req.url, status, ms, this.trace);
    if (this.span) endServerSpan(this.span, status);
    // Bytes the client has not taken yet: it must take them within the send timeout.
    if (!this.res.writableFinished) watchFinishedAnswer(this.res, () => this.clientStalled());
  }

  /** The client took no bytes for the send timeout: its connection is cut (logged, as nobody else sees it). */
  clientStalled(): void {
    this.route.logger.warn({ request_id: this.requestId, endpoint: this.route.endpoint }, `${this.route.api.method}: the client took nothing of the answer for the send timeout (${SEND_TIMEOUT_ENV}); connection closed`);
  }

  private leaveSlot(): void {
    if (this.holdsSlot) {
      this.holdsSlot = false;
      this.route.gate.leave();
    }
  }

  private abort(reason: Error): void {
    this.abortReason ??= reason;
    this.controller?.abort(reason);
  }
}

/**
 * A dependency's answers that say nothing about the caller's input but about the deployment (a
 * wrong internal token, a size limit, a media type between services): passed on, they would show
 * the caller internals. They become a 502 (see BadGatewayError).
 */
const REFUSED_BY_DEPENDENCY: ReadonlySet<number> = new Set([401, 403, 413, 415]);

/** nginx's status for a request whose client closed the connection before the answer: not a failure. */
const CLIENT_CLOSED_REQUEST = 499;

/** The 503 for a call that arrived while the service starts or shuts down. */
function notReady(route: ApiRoute): NotReadyError {
  if (route.state.phase === 'closing') {
    return new NotReadyError(`Service ${route.serviceName} is shutting down`, 1);
  }
  return new NotReadyError(`Service ${route.serviceName} is starting: its onStartup has not finished`, 5);
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !ArrayBuffer.isView(value);
}

function streamingNotSupported(method: string): InternalError {
  return new InternalError('Internal server error', undefined, new Error(`API ${method} returned an async iterable: to stream its values, write the method as a generator (async function*)`));
}

/** The streaming side of one call, as `pumpStream` drives it. */
class StreamOfCall implements StreamingCall {
  constructor(
    private readonly call: ApiCall,
    readonly res: ServerResponse,
  ) {}

  get sink(): StreamSink {
    return this.call.streamSink;
  }

  stopped(): boolean {
    return this.call.streamStopped;
  }

  open(): void {
    this.call.openStream();
  }

  check(value: unknown): unknown {
    return this.call.checkStreamValue(value);
  }

  stalled(): void {
    this.call.clientStalled();
  }
}

function onTimeout(call: ApiCall): void {
  call.timeout();
}

function invalidOutput(method: string) {
  return (error: import('zod').ZodError): BentoError =>
    new InternalError('Internal server error', undefined, new Error(`API ${method} returned a value that does not match its output schema: ${error.message}`));
}

/**
 * The request path of one API: read the body, validate it, call the method, answer. Runs outside
 * express's router (see create-server.ts) because every microsecond here is per request.
 */
export function createApiHandler(options: ApiHandlerOptions, codec: CallCodec = HTTP_CODEC, endpoint = options.api.route): RequestHandler {
  const route: ApiRoute = {
    codec,
    endpoint,
    ...options,
    method: options.instance[options.api.method],
    input: options.api.input && new SchemaRunner(options.api.input),
    output: options.api.output && new SchemaRunner(options.api.output),
    timeoutMs: options.timeoutSeconds * 1000,
    accessLog: new AccessLog(options.logger, options.serviceName),
    batcher: routeBatcher(options),
  };
  return function handleApiRequest(req, res) {
    new ApiCall(route, req, res).start();
  };
}
