import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { parseTraceparent } from '../wire/trace-context';
import { parentContext, registeredTracer, traceContextOf } from './otel-tracer';

describe('the OpenTelemetry tracer Bento uses', () => {
  afterEach(() => trace.disable());

  it('is none while no SDK is registered (the API is a no-op), and follows registration both ways', () => {
    expect(registeredTracer()).toBeUndefined();
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const tracer = registeredTracer();
    expect(tracer).toBeDefined();
    expect(registeredTracer()).toBe(tracer);
    tracer!.startSpan('one').end();
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.instrumentationScope.name])).toEqual([['one', '@bento/core']]);
    trace.disable();
    expect(registeredTracer()).toBeUndefined();
  });

  it("starts spans under a caller's traceparent and reads them back as a traceparent's fields", () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    const caller = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')!;
    const span = registeredTracer()!.startSpan('child', {}, parentContext(caller, ROOT_CONTEXT));
    const child = traceContextOf(span);
    expect(child).toEqual({ traceId: caller.traceId, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '01' });
    expect(child.spanId).not.toBe(caller.spanId);
    // A caller that did not sample: the SDK's parent-based sampler does not either.
    const unsampled = registeredTracer()!.startSpan('child', {}, parentContext({ ...caller, flags: '00' }, ROOT_CONTEXT));
    expect(traceContextOf(unsampled).flags).toBe('00');
    const grandchild = registeredTracer()!.startSpan('grandchild', {}, parentContext(span, ROOT_CONTEXT));
    expect(traceContextOf(grandchild).traceId).toBe(caller.traceId);
  });
});
