import { createClient } from '../client/create-client';
import type { ClientCallOptions } from '../client/call-options';
import type { DependencySpec, DependencyTarget } from '../sdk/depends';
import { DEFAULT_RETRY_POLICY } from '../sdk/dependency-retry';
import { getServiceDefinition } from '../sdk/definition';
import { MIN_CALL_MS, noTimeLeft, requestDeadline, timeLeft } from './deadline';
import { outgoingCall } from './propagation';
import { clientFailure, withRetries, type RetryContext, type RetryObserver } from './retry-policy';

type ClientMethod = (input: unknown, options?: ClientCallOptions) => Promise<unknown> & AsyncIterable<unknown>;

/**
 * An external deployment (`depends({ url, on })`), called through its public HTTP API with the
 * typed client, carrying the request id and `traceparent` of the request being served (and its
 * CLIENT span while an OpenTelemetry SDK is registered), as calls inside the graph do. Plain calls fit in the request's deadline (the client sends the time left as
 * `x-bento-deadline-ms`) and are retried by the dependency's policy, as internal calls are.
 * Streams get the deadline but no retries: the client cannot tell whether values were made.
 */
export function publicApiTarget(spec: DependencySpec & { url: string }, observer?: RetryObserver): DependencyTarget {
  const client = createClient(spec.url) as unknown as Record<string, ClientMethod>;
  const idempotent = new Set(getServiceDefinition(spec.service).apis.filter((api) => api.idempotent).map((api) => api.method));
  const policy = spec.retry ?? DEFAULT_RETRY_POLICY;
  /** The call's options with the deadline's time left as its timeout; undefined when no time is left. */
  const withDeadline = (deadline: number | undefined, options: ClientCallOptions | undefined): ClientCallOptions | undefined => {
    const left = timeLeft(deadline);
    if (left === Infinity) return options ?? {};
    return left < MIN_CALL_MS ? undefined : { signal: options?.signal, timeoutMs: Math.ceil(left) };
  };
  return {
    call(method, input, options) {
      const context: RetryContext = { dependency: spec.name, method, policy, idempotent: idempotent.has(method), deadline: requestDeadline(), signal: options?.signal, observer };
      const outgoing = outgoingCall(spec.name, method, false);
      return outgoing.settle(
        withRetries(context, async () => {
          const callOptions = withDeadline(context.deadline, options);
          if (!callOptions) throw noTimeLeft(spec.name, method);
          try {
            return await client[method]!(input, { ...callOptions, headers: outgoing.headers });
          } catch (error) {
            throw clientFailure(error);
          }
        }),
      );
    },
    stream(method, input, options) {
      const callOptions = withDeadline(requestDeadline(), options);
      if (!callOptions) throw noTimeLeft(spec.name, method);
      const outgoing = outgoingCall(spec.name, method, false);
      return outgoing.follow(client[method]!(input, { ...callOptions, headers: outgoing.headers }));
    },
  };
}
