import { randomBytes } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { Back, backLines, Front } from './fixtures/traced';
import { postJson, serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = (traceId = TRACE_ID) => `00-${traceId}-${CALLER_SPAN}-01`;

/** Front → Back, each its own server; an OpenTelemetry SDK registered in this process, as a user would. */
describe('OpenTelemetry spans of API calls and depends() calls', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const token = randomBytes(16).toString('hex');
  let back: Running;
  let front: Running;

  beforeAll(async () => {
    provider.register();
    back = await serveForTest(Back, { internalToken: token });
    // Front reads Back's public URL when it is constructed (depends({ url })).
    process.env.TRACED_BACK_URL = back.url;
    front = await serveForTest(Front, { internalToken: token, serviceMap: { Back: back.url } });
  });
  afterAll(async () => {
    await front?.close();
    await back?.close();
    delete process.env.TRACED_BACK_URL;
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => exporter.reset());

  /** The spans of one trace, once `count` of them ended (a server span ends after its answer is written). */
  async function spansOf(traceId: string, count: number): Promise<ReadableSpan[]> {
    const ofTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    await until(() => ofTrace().length >= count, `${count} spans of trace ${traceId}`);
    return ofTrace();
  }
  const named = (spans: ReadableSpan[], name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const accessLine = (running: Running, path: string, requestId: string) => running.logs().find((l) => l.msg === 'request' && l.path === path && l.request_id === requestId);

  it("makes a SERVER span per call and a CLIENT span per depends() call, parented through the caller's traceparent", async () => {
    const answer = await postJson(`${front.url}/double`, { n: 21 }, { traceparent: traceparent(), 'x-request-id': 'otel-ok' });
    expect(answer.json).toEqual({ doubled: 42 });
    const spans = await spansOf(TRACE_ID, 4);
    expect(spans).toHaveLength(4);

    const frontServer = named(spans, 'POST /double');
    const client = named(spans, 'Back.double');
    const backServer = named(spans, 'POST /_bento/call/double');
    expect(frontServer.kind).toBe(SpanKind.SERVER);
    expect(frontServer.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: CALLER_SPAN, isRemote: true });
    expect(frontServer.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/double',
      'http.route': '/double',
      'http.response.status_code': 200,
      'bento.service': 'Front',
      'bento.api': 'double',
      'bento.request_id': 'otel-ok',
    });
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(client.parentSpanContext?.spanId).toBe(frontServer.spanContext().spanId);
    expect(client.attributes).toMatchObject({ 'bento.service': 'Back', 'bento.api': 'double', 'bento.request_id': 'otel-ok', 'url.path': '/_bento/call/double', 'http.response.status_code': 200 });
    // The callee's span is the child of the client span: its id is the one the traceparent carried.
    expect(backServer.kind).toBe(SpanKind.SERVER);
    expect(backServer.parentSpanContext).toMatchObject({ spanId: client.spanContext().spanId, isRemote: true });
    expect(backServer.attributes).toMatchObject({ 'bento.service': 'Back', 'bento.api': 'double', 'bento.request_id': 'otel-ok', 'http.response.status_code': 200 });
    // A span the method's own code starts is a child of its call's span.
    expect(named(spans, 'doubling').parentSpanContext?.spanId).toBe(backServer.spanContext().spanId);
    for (const span of spans) expect(span.status.code).toBe(SpanStatusCode.UNSET);

    // Access lines and the service's own lines name the same trace and spans.
    expect(accessLine(front, '/double', 'otel-ok')).toMatchObject({ trace_id: TRACE_ID, span_id: frontServer.spanContext().spanId });
    await until(() => Boolean(accessLine(back, '/_bento/call/double', 'otel-ok')), "Back's access line");
    expect(accessLine(back, '/_bento/call/double', 'otel-ok')).toMatchObject({ trace_id: TRACE_ID, span_id: backServer.spanContext().spanId });
    await until(() => backLines.some((line) => line.includes('"doubling"')), "Back's own line");
    const own = JSON.parse(backLines.find((line) => line.includes('"doubling"'))!) as Record<string, unknown>;
    expect(own).toMatchObject({ msg: 'doubling', n: 21, request_id: 'otel-ok', trace_id: TRACE_ID, span_id: backServer.spanContext().spanId });
  });

  it('marks the spans of a failed call as errors, with the status each side saw', async () => {
    const answer = await postJson(`${front.url}/broken`, {}, { traceparent: traceparent(), 'x-request-id': 'otel-fail' });
    expect(answer.status).toBe(500);
    const spans = await spansOf(TRACE_ID, 3);
    const frontServer = named(spans, 'POST /broken');
    const client = named(spans, 'Back.fail');
    const backServer = named(spans, 'POST /_bento/call/fail');
    for (const span of [frontServer, client, backServer]) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['http.response.status_code']).toBe(500);
    }
    expect(client.events.map((event) => event.name)).toEqual(['exception']);
    expect(backServer.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  });

  it('starts a trace for a call without a traceparent, and spans a streaming depends() call until its end', async () => {
    const answer = await postJson(`${front.url}/count`, { n: 3 }, { 'x-request-id': 'otel-stream' });
    expect(answer.json).toEqual({ seen: [0, 1, 2] });
    await until(() => exporter.getFinishedSpans().some((span) => span.name === 'POST /count'), 'the span of /count');
    const root = exporter.getFinishedSpans().find((span) => span.name === 'POST /count')!;
    expect(root.parentSpanContext).toBeUndefined();
    const traceId = root.spanContext().traceId;
    expect(traceId).not.toBe(TRACE_ID);
    const spans = await spansOf(traceId, 3);
    const client = named(spans, 'Back.count');
    expect(client.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(named(spans, 'POST /_bento/call/count').parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(accessLine(front, '/count', 'otel-stream')).toMatchObject({ trace_id: traceId, span_id: root.spanContext().spanId });
  });

  it("carries the trace through depends({ url }) to the other deployment's public API", async () => {
    const answer = await postJson(`${front.url}/doublePublic`, { n: 2 }, { traceparent: traceparent(), 'x-request-id': 'otel-public' });
    expect(answer.json).toEqual({ doubled: 4 });
    const spans = await spansOf(TRACE_ID, 4);
    const client = named(spans, 'Back.double');
    expect(client.parentSpanContext?.spanId).toBe(named(spans, 'POST /doublePublic').spanContext().spanId);
    const backServer = named(spans, 'POST /double');
    expect(backServer.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(backServer.attributes['bento.request_id']).toBe('otel-public');
  });

  it("passes the caller's tracestate on to every hop and into the spans' trace state", async () => {
    const state = 'congo=t61rcWkgMzE,tenant1@vendor=a-b';
    // Blanks around members are trimmed, as the W3C spec allows.
    const answer = await postJson(`${front.url}/relayedTracestate`, {}, { traceparent: traceparent(), tracestate: ' congo=t61rcWkgMzE , tenant1@vendor=a-b' });
    expect(answer.json).toEqual({ internal: state, public: state });
    // Front's SERVER span, and a CLIENT span and Back's SERVER span for each of the two calls.
    const spans = await spansOf(TRACE_ID, 5);
    expect(spans).toHaveLength(5);
    for (const span of spans) expect([span.name, span.spanContext().traceState?.serialize()]).toEqual([span.name, state]);
  });

  it('drops a malformed tracestate whole, and one that comes without a valid traceparent', async () => {
    for (const headers of [
      { traceparent: traceparent(), tracestate: 'Upper=case' },
      { traceparent: traceparent(), tracestate: 'a=1,a=2' },
      { traceparent: 'not-a-traceparent', tracestate: 'congo=t61rcWkgMzE' },
    ]) {
      const answer = await postJson(`${front.url}/relayedTracestate`, {}, headers);
      expect([headers, answer.json]).toEqual([headers, { internal: null, public: null }]);
    }
  });

  it('makes no spans once no SDK is registered, and the trace still travels the same way', async () => {
    trace.disable();
    try {
      const answer = await postJson(`${front.url}/double`, { n: 1 }, { traceparent: traceparent(), 'x-request-id': 'otel-off' });
      expect(answer.json).toEqual({ doubled: 2 });
      await until(() => Boolean(accessLine(back, '/_bento/call/double', 'otel-off')), "Back's access line");
      const frontLine = accessLine(front, '/double', 'otel-off')!;
      const backLine = accessLine(back, '/_bento/call/double', 'otel-off')!;
      expect(frontLine.trace_id).toBe(TRACE_ID);
      expect(backLine.trace_id).toBe(TRACE_ID);
      expect(backLine.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(new Set([CALLER_SPAN, frontLine.span_id, backLine.span_id]).size).toBe(3);
      const relayed = await postJson(`${front.url}/relayedTracestate`, {}, { traceparent: traceparent(), tracestate: 'congo=t61rcWkgMzE' });
      expect(relayed.json).toEqual({ internal: 'congo=t61rcWkgMzE', public: 'congo=t61rcWkgMzE' });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      trace.setGlobalTracerProvider(provider);
    }
  });
});
