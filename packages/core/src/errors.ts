/**
 * One error hierarchy for every part of Bento. Each error carries a stable `code` and the HTTP
 * `status` the server answers with, so an error thrown deep inside a service reaches its caller
 * with the same meaning.
 */

/** Shape of the JSON body every Bento server answers an error with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Base class of every error Bento raises on purpose. */
export class BentoError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;

  constructor(message: string, options: { status?: number; code?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status ?? 500;
    this.code = options.code ?? 'internal_error';
    this.details = options.details;
  }

  /** The JSON body for this error. */
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** 400: the input did not match the API's schema. `details` lists the offending paths. */
export class ValidationError extends BentoError {
  constructor(message: string, details?: unknown, cause?: unknown) {
    super(message, { status: 400, code: 'validation_error', details, cause });
  }
}

/** 400: the body could not be read as what its content type claims (bad JSON, broken multipart). */
export class BadRequestError extends BentoError {
  constructor(message: string, details?: unknown, cause?: unknown) {
    super(message, { status: 400, code: 'bad_request', details, cause });
  }
}

/** 404: no route or resource by that name. */
export class NotFoundError extends BentoError {
  constructor(message: string, details?: unknown) {
    super(message, { status: 404, code: 'not_found', details });
  }
}

/** 405: the route exists but not for this HTTP method. */
export class MethodNotAllowedError extends BentoError {
  readonly allow: string;
  constructor(message: string, allow: string) {
    super(message, { status: 405, code: 'method_not_allowed', details: { allow } });
    this.allow = allow;
  }
}

/** 413: the request body is larger than the server accepts. */
export class PayloadTooLargeError extends BentoError {
  constructor(limitBytes: number) {
    super(`Request body is larger than the limit of ${limitBytes} bytes`, {
      status: 413,
      code: 'payload_too_large',
      details: { limit_bytes: limitBytes },
    });
  }
}

/** 415: the request's content type is not one this route reads. */
export class UnsupportedMediaTypeError extends BentoError {
  constructor(received: string | undefined, expected: readonly string[]) {
    super(
      `Unsupported content type ${received ? JSON.stringify(received) : '(none)'}; expected one of ${expected.join(', ')}`,
      { status: 415, code: 'unsupported_media_type', details: { received: received ?? null, expected } },
    );
  }
}

/** 429: the service is already running `max_concurrency` requests (and its queue, if any, is full). */
export class TooManyRequestsError extends BentoError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message, { status: 429, code: 'too_many_requests', details: { retry_after_seconds: retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 502: a dependency refused this service's call for a reason of its own — its token (401), its size
 * limit (413), its media type (415). A fault of the deployment, not of the caller's input: the
 * caller gets this, and the dependency's answer is only in this service's logs.
 */
export class BadGatewayError extends BentoError {
  constructor(message: string, details?: unknown, cause?: unknown) {
    super(message, { status: 502, code: 'bad_gateway', details, cause });
  }
}

/** 503: the service, or a dependency it names, cannot take the request now. */
export class ServiceUnavailableError extends BentoError {
  constructor(message: string, details?: unknown, cause?: unknown) {
    super(message, { status: 503, code: 'service_unavailable', details, cause });
  }
}

/**
 * 503 for a call that came too early or too late: the service is still starting (its `onStartup`
 * runs) or is shutting down. Answered with `Retry-After`.
 */
export class NotReadyError extends ServiceUnavailableError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retry_after_seconds: retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A service whose startup (`onStartup`, or an in-process dependency's) failed: it will not serve. */
export class StartupError extends BentoError {
  constructor(message: string, cause: unknown) {
    super(message, { status: 503, code: 'startup_failed', cause });
  }
}

/** 504: the request ran longer than the service's `traffic.timeout`. */
export class TimeoutError extends BentoError {
  constructor(message: string, details?: unknown) {
    super(message, { status: 504, code: 'timeout', details });
  }
}

/** 500: something failed inside the service. The message sent to clients never carries internals. */
export class InternalError extends BentoError {
  constructor(message = 'Internal server error', details?: unknown, cause?: unknown) {
    super(message, { status: 500, code: 'internal_error', details, cause });
  }
}

/**
 * An error answered by a remote Bento service, rebuilt on the caller's side with the callee's
 * status, code and message, so it reads the same however many services deep it started.
 */
export class RemoteError extends BentoError {
  /** URL of the call that failed. */
  readonly url: string;
  /** Request id the remote server gave the call, when it sent one. */
  readonly requestId?: string;
  /** The service where the error started, however many hops away (from `x-bento-error-service`). */
  readonly service?: string;
  /** The service answered before its method ran (`x-bento-not-started`: starting, draining, full): safe to send again. */
  readonly notStarted: boolean;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
    url: string;
    requestId?: string;
    service?: string;
    notStarted?: boolean;
  }) {
    super(options.message, { status: options.status, code: options.code, details: options.details });
    this.url = options.url;
    this.requestId = options.requestId;
    this.service = options.service;
    this.notStarted = options.notStarted ?? false;
  }
}

/**
 * 401: a call without a valid credential — an internal (service-to-service) call without the
 * graph's token, or a public call without one of the service's API keys. `challenge` is the
 * `WWW-Authenticate` header the answer carries.
 */
export class UnauthorizedError extends BentoError {
  readonly challenge?: string;
  constructor(message: string, challenge?: string) {
    super(message, { status: 401, code: 'unauthorized' });
    this.challenge = challenge;
  }
}

/** Response header naming the service an error started in, so it survives every hop. */
export const ERROR_SERVICE_HEADER = 'x-bento-error-service';

/** Service options, API options or a config file that do not validate. Raised at definition time. */
export class ConfigError extends BentoError {
  constructor(message: string, details?: unknown) {
    super(message, { status: 500, code: 'config_error', details });
  }
}

/**
 * Turns anything thrown into a `BentoError`, keeping the original as `cause`. Unknown errors become
 * a plain 500 whose message hides the internals.
 */
export function toBentoError(thrown: unknown): BentoError {
  if (thrown instanceof BentoError) return thrown;
  return new InternalError('Internal server error', undefined, thrown);
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}
