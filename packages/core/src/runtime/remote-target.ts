import { remoteErrorFrom } from '../client/remote-error';
import { ERROR_SERVICE_HEADER, ServiceUnavailableError, TimeoutError } from '../errors';
import type { CallOptions } from '../sdk/call-options';
import type { DependencySpec, DependencyTarget } from '../sdk/depends';
import { getServiceDefinition } from '../sdk/definition';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_ENV, INTERNAL_TOKEN_HEADER } from '../wire/internal-route';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE } from '../wire';
import type { Http1Pool, Http1Response } from './http1-pool';
import { outgoingCall } from './propagation';
import { unreachable } from './unreachable';
import { remoteStream, streamAgent, type StreamTarget } from './remote-stream';

/** Time the caller waits beyond the callee's own traffic.timeout, so the callee's 504 arrives first. */
const TIMEOUT_GRACE_MS = 5_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls another service of the graph over its internal route: arguments and result as frames
 * (tensors travel as raw bytes, received as views), over pooled keep-alive connections on a Unix
 * socket or TCP. Errors keep the callee's status, code and message and name the service they
 * started in; an unreachable service is a 503 naming it, a late one a 504.
 */
export function remoteTarget(spec: DependencySpec, address: string, pool: Http1Pool, token: string | undefined = process.env[INTERNAL_TOKEN_ENV]): DependencyTarget {
  // Capped at the longest timer Node runs (a longer one fires after 1 ms).
  const timeoutMs = Math.min(getServiceDefinition(spec.service).options.traffic.timeout * 1000 + TIMEOUT_GRACE_MS, MAX_TIMER_MS);
  const streams: StreamTarget = { name: spec.name, address, token, agent: streamAgent(), timeoutMs, connectTimeoutMs: pool.connectTimeoutMs };
  return {
    stream(method, input, options) {
      const outgoing = outgoingCall(spec.name, method);
      return outgoing.follow(remoteStream(streams, method, input, options, outgoing.headers));
    },
    call(method, input, options) {
      const outgoing = outgoingCall(spec.name, method);
      return outgoing.settle(send(method, input, options, outgoing.headers));
    },
  };

  async function send(method: string, input: unknown, options: CallOptions | undefined, propagation: Record<string, string>): Promise<unknown> {
    const encoded = encodeFrames({ input });
    const headers: Record<string, string | number> = { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, accept: FRAMES_CONTENT_TYPE, ...propagation };
    if (token) headers[INTERNAL_TOKEN_HEADER] = token;
    let response: Http1Response;
    try {
      response = await pool.post(INTERNAL_ROUTE_PREFIX + method, headers, encoded.chunks, timeoutMs, options?.signal);
    } catch (cause) {
      if (options?.signal?.aborted) throw options.signal.reason;
      if ((cause as { timedOut?: boolean }).timedOut) {
        throw new TimeoutError(`Service ${spec.name} did not answer ${method} within ${timeoutMs / 1000}s`, { service: spec.name });
      }
      throw unreachable(spec.name, address, cause);
    }
    if (response.status !== 200) {
      throw remoteErrorFrom({
        status: response.status,
        text: response.body.toString('utf8'),
        url: address,
        requestId: response.headers['x-request-id'],
        service: response.headers[ERROR_SERVICE_HEADER] ?? spec.name,
        fallbackMessage: `Service ${spec.name} answered HTTP ${response.status}`,
      });
    }
    try {
      return (decodeFrames(response.body) as { result: unknown }).result;
    } catch (cause) {
      throw new ServiceUnavailableError(`Service ${spec.name} sent an unreadable result: ${(cause as Error).message}`, { service: spec.name }, cause);
    }
  }
}
