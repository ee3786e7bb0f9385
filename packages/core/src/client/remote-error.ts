import { RemoteError } from '../errors';

/** What a caller knows about a non-2xx answer, whatever HTTP client read it. */
export interface ErrorResponse {
  status: number;
  text: string;
  url: string;
  requestId?: string;
  /** The service the error started in (`x-bento-error-service`), or the one called. */
  service?: string;
  /** The message when the body is not Bento's error shape. */
  fallbackMessage: string;
  /** The answer carried `x-bento-not-started: 1`. */
  notStarted?: boolean;
}

/**
 * Rebuilds a server's error as a `RemoteError` with its status, code, message and details; a body
 * that is not `{ error: { code, message } }` becomes code `http_error` with `fallbackMessage`.
 */
export function remoteErrorFrom(response: ErrorResponse): RemoteError {
  const { status, url, requestId, service, notStarted } = response;
  try {
    const { error } = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return new RemoteError({ status, code: error.code, message: error.message, details: error.details, url, requestId, service, notStarted });
    }
  } catch {
    // Not JSON: the fallback below.
  }
  return new RemoteError({ status, code: 'http_error', message: response.fallbackMessage, url, requestId, service, notStarted });
}
