import { callContext } from '../sdk/call-context';
import { childSpan, formatTraceparent, TRACEPARENT_HEADER } from '../wire/trace-context';

/**
 * Headers a call to another service carries from the request being served: its request id (so
 * both services log one id) and a `traceparent` naming a new span in its trace. Empty outside a
 * request (a call from onStartup).
 */
export function propagationHeaders(): Record<string, string> {
  const current = callContext.getStore();
  if (!current) return {};
  return { 'x-request-id': current.requestId, [TRACEPARENT_HEADER]: formatTraceparent(childSpan(current.trace)) };
}
