import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { parentContext } from '../sdk/otel-tracer';
import type { TraceContext } from '../wire/trace-context';

/** What names an API call's span: the service, the method, the path it was called on. */
export interface ServerSpanRoute {
  serviceName: string;
  api: { method: string };
  /** The route's path (`/generate`, or `/_bento/call/generate` for calls from other services). */
  endpoint: string;
}

/**
 * The SERVER span of one API call, a child of the caller's `traceparent` when it sent one. Named
 * `POST <path>` as OpenTelemetry's HTTP conventions ask; `bento.service` and `bento.api` say which
 * method ran whatever the path.
 */
export function startServerSpan(tracer: Tracer, route: ServerSpanRoute, caller: TraceContext | undefined, requestId: string): Span {
  return tracer.startSpan(
    `POST ${route.endpoint}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'url.path': route.endpoint,
        'http.route': route.endpoint,
        'bento.service': route.serviceName,
        'bento.api': route.api.method,
        'bento.request_id': requestId,
      },
    },
    // Without a traceparent, a new trace: never the context that happened to be active when the
    // server started listening (a span around the user's startup code would adopt every request).
    parentContext(caller, ROOT_CONTEXT),
  );
}

/** Ends an API call's span with the status it answered; a 5xx marks it failed. */
export function endServerSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
  span.end();
}

/**
 * Runs `work` with `span` as OpenTelemetry's active span, so spans the method's own code starts
 * (its libraries' instrumentation) are its children. Needs the SDK's context manager; without one
 * this only runs `work`.
 */
export function withActiveSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}
