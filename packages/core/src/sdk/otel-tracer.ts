import { createTraceState, ProxyTracerProvider, ROOT_CONTEXT, trace, TraceFlags, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { TraceContext } from '../wire/trace-context';

/** The name our spans are created under (their instrumentation scope). */
const INSTRUMENTATION_SCOPE = '@bento/core';

/**
 * What `trace.getTracerProvider()` delegates to while no SDK is registered: the API's own no-op
 * provider, not exported, but the same object for every ProxyTracerProvider of this copy of the API.
 */
const NOOP_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate();

let seenProvider: TracerProvider = NOOP_PROVIDER;
let tracer: Tracer | undefined;

/**
 * The tracer of the OpenTelemetry SDK registered in this process (the user's own, or the built-in
 * OTLP exporter's), or undefined when none is: then the API is a no-op and Bento creates no spans
 * at all, so a request pays a few property reads for tracing it does not use. Asked per call, so
 * an SDK registered after the server started (or removed, in tests) takes effect at once.
 */
export function registeredTracer(): Tracer | undefined {
  const global = trace.getTracerProvider();
  // Another copy of the API may have registered its own proxy: anything not ours is a real provider.
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (provider !== seenProvider) {
    seenProvider = provider;
    tracer = provider === NOOP_PROVIDER ? undefined : provider.getTracer(INSTRUMENTATION_SCOPE);
  }
  return tracer;
}

/** A span's place in its trace, as the `traceparent` and the log lines carry it. */
export function traceContextOf(span: Span): TraceContext {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const context: TraceContext = { traceId, spanId, flags: traceFlags & TraceFlags.SAMPLED ? '01' : '00' };
  // The SDK carries the parent's tracestate into its children (a sampler may add its own member).
  const state = traceState?.serialize();
  if (state) context.state = state;
  return context;
}

/**
 * The OpenTelemetry context a new span is started in: under `parent` (the span of the request
 * being served, or the caller's `traceparent`), else `otherwise`.
 */
export function parentContext(parent: Span | TraceContext | undefined, otherwise: Context): Context {
  if (!parent) return otherwise;
  if ('spanContext' in parent) return trace.setSpan(ROOT_CONTEXT, parent);
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parseInt(parent.flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(parent.state !== undefined && { traceState: createTraceState(parent.state) }),
  });
}
