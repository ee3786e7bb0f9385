import { context, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { callContext } from '../sdk/call-context';
import { parentContext, registeredTracer, traceContextOf } from '../sdk/otel-tracer';
import { childSpan, traceHeaders } from '../wire/trace-context';
import { INTERNAL_ROUTE_PREFIX } from '../wire/internal-route';

/**
 * Headers a call to another service carries from the request being served: its request id (so
 * both services log one id), a `traceparent` naming a new span in its trace, and the caller's
 * `tracestate` as it came. Empty outside a request (a call from onStartup).
 */
export function propagationHeaders(): Record<string, string> {
  const current = callContext.getStore();
  if (!current) return {};
  return { 'x-request-id': current.requestId, ...traceHeaders(childSpan(current.trace)) };
}

/**
 * One `depends()` call as it leaves this service: the headers it carries and, while an
 * OpenTelemetry SDK is registered, its CLIENT span — whose id is the one the `traceparent` names,
 * so the callee's SERVER span is its child. Without an SDK there is no span and `settle`/`follow`
 * hand back what they are given: nothing is added to the call.
 */
export class OutgoingCall {
  constructor(
    readonly headers: Record<string, string>,
    private readonly span?: Span,
  ) {}

  /** `result`, with the span ended when it settles. */
  settle<T>(result: Promise<T>): Promise<T> {
    const { span } = this;
    if (!span) return result;
    return result.then(
      (value) => {
        endClientSpan(span, undefined);
        return value;
      },
      (error: unknown) => {
        endClientSpan(span, error);
        throw error;
      },
    );
  }

  /** The values of a streaming call, with the span ended when the stream ends, fails or is left. */
  follow<T>(values: AsyncIterable<T>): AsyncIterable<T> {
    const { span } = this;
    return span ? spannedStream(values, span) : values;
  }
}

/**
 * The call of `service`'s API `method` this code is about to make: over the internal route, or
 * (`internal` false, `depends({ url })`) through the deployment's public API, whose path the
 * client looks up itself.
 */
export function outgoingCall(service: string, method: string, internal = true): OutgoingCall {
  const tracer = registeredTracer();
  if (!tracer) return new OutgoingCall(propagationHeaders());
  const current = callContext.getStore();
  // Outside a request (onStartup), a span the user's own code made active is the parent, if any.
  const span = tracer.startSpan(
    `${service}.${method}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        ...(internal && { 'url.path': INTERNAL_ROUTE_PREFIX + method }),
        'bento.service': service,
        'bento.api': method,
        ...(current && { 'bento.request_id': current.requestId }),
      },
    },
    parentContext(current?.span ?? current?.trace, context.active()),
  );
  const headers = traceHeaders(traceContextOf(span));
  if (current) headers['x-request-id'] = current.requestId;
  return new OutgoingCall(headers, span);
}

function endClientSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  } else {
    span.setAttribute('http.response.status_code', 200);
  }
  span.end();
}

async function* spannedStream<T>(values: AsyncIterable<T>, span: Span): AsyncGenerator<T, unknown, undefined> {
  let failure: unknown;
  try {
    return yield* values as AsyncGenerator<T, unknown, undefined>;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    endClientSpan(span, failure);
  }
}
