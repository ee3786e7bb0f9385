import { remoteErrorFrom } from '../client/remote-error';
import { ERROR_SERVICE_HEADER, ServiceUnavailableError, TimeoutError } from '../errors';
import type { CallOptions } from '../sdk/call-options';
import type { DependencySpec, DependencyTarget } from '../sdk/depends';
import { DEFAULT_RETRY_POLICY } from '../sdk/dependency-retry';
import { getServiceDefinition } from '../sdk/definition';
import { DEADLINE_HEADER, NOT_STARTED_HEADER } from '../wire/deadline-header';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_ENV, INTERNAL_TOKEN_HEADER } from '../wire/internal-route';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE } from '../wire';
import { MIN_CALL_MS, noTimeLeft, requestDeadline, timeLeft } from './deadline';
import type { Http1Pool, Http1Response } from './http1-pool';
import { outgoingCall } from './propagation';
import { unreachable } from './unreachable';
import { remoteStream, streamAgent, type StreamTarget } from './remote-stream';
import { connectionFailure, FailedAttempt, statusFailure, withRetries, type RetryContext, type RetryObserver } from './retry-policy';

/** Time the caller waits beyond the callee's own traffic.timeout, so the callee's 504 arrives first. */
const TIMEOUT_GRACE_MS = 5_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls another service of the graph over its internal route: arguments and result as frames
 * (tensors travel as raw bytes, received as views), over pooled keep-alive connections on a Unix
 * socket or TCP. Errors keep the callee's status, code and message and name the service they
 * started in; an unreachable service is a 503 naming it, a late one a 504.
 *
 * Each call fits in the deadline of the request being served (deadline.ts), which travels to the
 * callee in `x-bento-deadline-ms`, and is retried by the dependency's policy (retry-policy.ts).
 */
export function remoteTarget(
  spec: DependencySpec,
  address: string,
  pool: Http1Pool,
  token: string | undefined = process.env[INTERNAL_TOKEN_ENV],
  observer?: RetryObserver,
): DependencyTarget {
  const definition = getServiceDefinition(spec.service);
  // Capped at the longest timer Node runs (a longer one fires after 1 ms).
  const timeoutMs = Math.min(definition.options.traffic.timeout * 1000 + TIMEOUT_GRACE_MS, MAX_TIMER_MS);
  const idempotent = new Set(definition.apis.filter((api) => api.idempotent).map((api) => api.method));
  const policy = spec.retry ?? DEFAULT_RETRY_POLICY;
  const retryContext = (method: string, options: CallOptions | undefined): RetryContext => ({
    dependency: spec.name,
    method,
    policy,
    idempotent: idempotent.has(method),
    deadline: requestDeadline(),
    signal: options?.signal,
    observer,
  });
  const streams: StreamTarget = { name: spec.name, address, token, agent: streamAgent(), timeoutMs, connectTimeoutMs: pool.connectTimeoutMs };
  return {
    stream(method, input, options) {
      const outgoing = outgoingCall(spec.name, method);
      return outgoing.follow(remoteStream(streams, method, input, options, retryContext(method, options), outgoing.headers));
    },
    call(method, input, options) {
      const encoded = encodeFrames({ input });
      const context = retryContext(method, options);
      // One CLIENT span (when tracing) for the call, its retries included.
      const outgoing = outgoingCall(spec.name, method);
      return outgoing.settle(withRetries(context, async () => {
        const left = timeLeft(context.deadline);
        if (left < MIN_CALL_MS) throw noTimeLeft(spec.name, method);
        const headers: Record<string, string | number> = { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, accept: FRAMES_CONTENT_TYPE, ...outgoing.headers };
        if (token) headers[INTERNAL_TOKEN_HEADER] = token;
        // The caller waits no longer than it has; the callee learns how long that is and stops then too.
        if (left !== Infinity) headers[DEADLINE_HEADER] = Math.floor(left);
        const waitMs = Math.min(timeoutMs, Math.ceil(left));
        let response: Http1Response;
        try {
          response = await pool.post(INTERNAL_ROUTE_PREFIX + method, headers, encoded.chunks, waitMs, options?.signal);
        } catch (cause) {
          if (options?.signal?.aborted) throw options.signal.reason;
          if ((cause as { timedOut?: boolean }).timedOut) {
            // Out of the request's time: final. Out of the callee's own: it may have run.
            if (waitMs < timeoutMs) throw new TimeoutError(`Service ${spec.name} did not answer ${method} within the request's deadline (${waitMs / 1000}s left)`, { service: spec.name });
            throw new FailedAttempt(new TimeoutError(`Service ${spec.name} did not answer ${method} within ${timeoutMs / 1000}s`, { service: spec.name }), 'if-idempotent');
          }
          throw connectionFailure(unreachable(spec.name, address, cause), cause);
        }
        if (response.status !== 200) {
          const error = remoteErrorFrom({
            status: response.status,
            text: response.body.toString('utf8'),
            url: address,
            requestId: response.headers['x-request-id'],
            service: response.headers[ERROR_SERVICE_HEADER] ?? spec.name,
            fallbackMessage: `Service ${spec.name} answered HTTP ${response.status}`,
            notStarted: response.headers[NOT_STARTED_HEADER] === '1',
          });
          throw statusFailure(error);
        }
        try {
          return (decodeFrames(response.body) as { result: unknown }).result;
        } catch (cause) {
          throw new ServiceUnavailableError(`Service ${spec.name} sent an unreadable result: ${(cause as Error).message}`, { service: spec.name }, cause);
        }
      }));
    },
  };
}
