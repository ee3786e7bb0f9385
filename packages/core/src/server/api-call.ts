import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { InternalError, RemoteError, TimeoutError, TooManyRequestsError, toBentoError, type BentoError } from '../errors';
import type { ApiDefinition } from '../sdk/definition';
import type { ConcurrencyGate } from './concurrency-gate';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { AccessLog } from './access-log';
import { invalidInputError, SchemaRunner } from './schema-runner';

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

/** What every call of one API on one transport shares; built once when the server starts. */
export interface ApiRoute extends ApiHandlerOptions {
  method: (input: unknown, ctx: ApiContext) => unknown;
  input?: SchemaRunner;
  output?: SchemaRunner;
  timeoutMs: number;
  accessLog: AccessLog;
  /** The path metrics and logs know this route by. */
  endpoint: string;
}

export function createApiRoute(options: ApiHandlerOptions, endpoint: string): ApiRoute {
  return {
    endpoint,
    ...options,
    method: options.instance[options.api.method],
    input: options.api.input && new SchemaRunner(options.api.input),
    output: options.api.output && new SchemaRunner(options.api.output),
    timeoutMs: options.timeoutSeconds * 1000,
    accessLog: new AccessLog(options.logger, options.serviceName),
  };
}

/**
 * One call of an API, whatever carried it: admission (max_concurrency), the timeout, input
 * validation, the method, output validation, one answer (result or error), metrics and the access
 * line. A transport (public HTTP, internal HTTP, the internal channel) subclasses it with how its
 * input is read and its answer written. A class rather than closures: the request path allocates
 * one object instead of a dozen functions, which shows at tens of thousands of requests per second.
 */
export abstract class ApiCall implements ApiContext {
  readonly started = performance.now();
  abstract readonly requestId: string;
  abstract readonly headers: IncomingHttpHeaders;
  private answered = false;
  private holdsSlot = false;
  private timer?: NodeJS.Timeout;
  private controller?: AbortController;
  private abortReason?: Error;

  constructor(protected readonly route: ApiRoute) {}

  /** Reads and decodes the call's input (before schema validation). */
  protected abstract readInput(): Promise<unknown>;
  /** The call is answered before its input was read: drop what is left of it. */
  protected abstract discardInput(): void;
  protected abstract writeResult(result: unknown): Promise<void> | void;
  protected abstract writeError(error: BentoError): void;
  /** Whether part of the answer is already on the wire (a late failure can then only cut it). */
  protected abstract get answerStarted(): boolean;
  /** Cuts a half-written answer. */
  protected abstract cut(): void;
  /** Calls `listener` when the caller goes away before the answer. */
  protected abstract watchCallerGone(listener: () => void): void;
  /** The status the answer was written with, for metrics and logs. */
  protected abstract get answerStatus(): number;
  /** Throws (e.g. 401) when the caller may not make this call at all. */
  protected authorize(): void {}
  /** The path the access line shows. */
  protected get logPath(): string | undefined {
    return this.route.endpoint;
  }

  /**
   * Created on first use, and only then watching for the caller going away: most methods never
   * look at their signal, and a listener per request shows at tens of thousands of requests/s.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      this.watchCallerGone(() => {
        if (!this.answered) this.abort(new Error('client closed the connection'));
      });
    }
    if (this.abortReason && !this.controller.signal.aborted) this.controller.abort(this.abortReason);
    return this.controller.signal;
  }

  start(): void {
    const { route } = this;
    route.metrics.begin(route.endpoint);
    if (!route.gate.tryEnter()) {
      this.discardInput();
      this.fail(new TooManyRequestsError(`Service ${route.serviceName} is at its max_concurrency of ${route.gate.limit}; retry later`));
      return;
    }
    try {
      this.authorize();
    } catch (error) {
      this.discardInput();
      route.gate.leave();
      this.fail(error);
      return;
    }
    this.holdsSlot = true;
    this.timer = setTimeout(onTimeout, route.timeoutMs, this);
    this.run().catch((error: unknown) => this.fail(error));
  }

  private async run(): Promise<void> {
    const { route } = this;
    let result: unknown;
    try {
      const body = await this.readInput();
      // Synchronous where the schema allows: an await on a plain value still costs a microtask.
      let input = route.input ? route.input.parse(body, invalidInputError) : body;
      if (input instanceof Promise) input = await input;
      result = await route.method.call(route.instance, input, this);
    } finally {
      this.leaveSlot();
    }
    if (this.answered) return;
    if (route.output) result = await route.output.parse(result, invalidOutput(route.api.method));
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    const written = this.writeResult(result);
    if (written) await written;
    this.finish(this.answerStatus);
  }

  timeout(): void {
    const { route } = this;
    const error = new TimeoutError(`${route.api.method} did not finish within the ${route.timeoutMs / 1000}s traffic.timeout of ${route.serviceName}`, {
      timeout_seconds: route.timeoutMs / 1000,
    });
    this.abort(error);
    this.fail(error);
  }

  /** Answers with an error, once; errors after the answer (e.g. a late method failure) are only logged. */
  fail(thrown: unknown): void {
    const { route } = this;
    let error: BentoError = toBentoError(thrown);
    if (error.status >= 500 && !(error instanceof TimeoutError)) {
      route.logger.error({ request_id: this.requestId, err: error.cause ?? error }, `${route.api.method} failed`);
    }
    if (this.answered && this.answerStarted) {
      // The answer is half-written (an encoder failed mid-way): cut the connection.
      this.cut();
      return;
    }
    this.answered = true;
    clearTimeout(this.timer);
    // A remote 500 already hides its internals and carries the callee's request id: pass it on as is.
    if (error.status === 500 && !(error instanceof RemoteError)) error = new InternalError('Internal server error', { request_id: this.requestId });
    this.writeError(error);
    this.finish(error.status);
  }

  private finish(status: number): void {
    const { route } = this;
    const ms = performance.now() - this.started;
    route.metrics.finish(route.endpoint, status, ms / 1000);
    route.accessLog.write(this.requestId, 'POST', this.logPath, status, ms);
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

function onTimeout(call: ApiCall): void {
  call.timeout();
}

function invalidOutput(method: string) {
  return (error: import('zod').ZodError): BentoError =>
    new InternalError('Internal server error', undefined, new Error(`API ${method} returned a value that does not match its output schema: ${error.message}`));
}
