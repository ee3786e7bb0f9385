import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { BentoError } from '../errors';
import type { ApiDefinition } from '../sdk/definition';
import { ApiCall, createApiRoute, type ApiHandlerOptions, type ApiRoute } from './api-call';
import { readInput } from './read-input';
import { requestIdOf } from './request-id';
import { sendError, sendResult } from './respond';

export type { ApiContext, ApiHandlerOptions } from './api-call';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How an HTTP route reads a call's input and writes its result: the public codec (JSON and
 * multipart in, JSON or an image out) or the internal frames codec used between services.
 */
export interface CallCodec {
  /** Throws (e.g. 401) when the request may not call this route at all. */
  authorize?(req: IncomingMessage): void;
  read(req: IncomingMessage, limit: number, api: ApiDefinition): Promise<unknown>;
  write(res: ServerResponse, result: unknown, req: IncomingMessage, requestId: string): Promise<void> | void;
}

/** The public API codec: JSON or multipart/form-data in; an image, bytes or JSON out. */
export const HTTP_CODEC: CallCodec = {
  read: (req, limit, api) => readInput(req, limit, api.input),
  write: (res, result, req, requestId) => sendResult(res, result, req.headers.accept, requestId),
};

/** One call that arrived as an HTTP request. */
class HttpApiCall extends ApiCall {
  readonly requestId: string;

  constructor(
    route: ApiRoute,
    private readonly codec: CallCodec,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    super(route);
    this.requestId = requestIdOf(req);
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  protected override authorize(): void {
    this.codec.authorize?.(this.req);
  }

  protected readInput(): Promise<unknown> {
    return this.codec.read(this.req, this.route.maxBodySize, this.route.api);
  }

  protected discardInput(): void {
    this.req.resume();
  }

  protected writeResult(result: unknown): Promise<void> | void {
    return this.codec.write(this.res, result, this.req, this.requestId);
  }

  protected writeError(error: BentoError): void {
    sendError(this.res, error, this.requestId);
  }

  protected get answerStarted(): boolean {
    return this.res.headersSent;
  }

  protected cut(): void {
    if (!this.res.writableEnded) this.res.destroy();
  }

  protected watchCallerGone(listener: () => void): void {
    this.res.once('close', listener);
  }

  protected get answerStatus(): number {
    return this.res.statusCode;
  }

  protected override get logPath(): string | undefined {
    return this.req.url;
  }
}

/**
 * The request path of one API over HTTP: read the body, validate it, call the method, answer.
 * Runs outside express's router (see create-server.ts) because every microsecond here is per request.
 */
export function createApiHandler(options: ApiHandlerOptions, codec: CallCodec = HTTP_CODEC, endpoint = options.api.route): RequestHandler {
  const route = createApiRoute(options, endpoint);
  return function handleApiRequest(req, res) {
    new HttpApiCall(route, codec, req, res).start();
  };
}
