import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BENTO_BIN, killStragglers, runBento, type Cli } from './helpers/cli';
import { postJson } from './helpers/server';

/** One span as OTLP/HTTP JSON carries it (the fields this test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}
interface ExportedSpan extends OtlpSpan {
  service: string;
}

/** OTLP's SpanKind numbers. */
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

/** An OTLP/HTTP receiver on a free port of 127.0.0.1: keeps every request's path and the spans of its JSON body. */
function startReceiver(): Promise<{ server: Server; url: string; requests: string[]; spans: ExportedSpan[] }> {
  const requests: string[] = [];
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
      };
      for (const { resource, scopeSpans } of body.resourceSpans) {
        const service = String(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, requests, spans });
    });
  });
}

/** The supervisor's `service graph ready` line (its url), once it is written. */
async function graphUrl(cli: Cli): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const line = cli.stdout().split('\n').find((l) => l.includes('"service graph ready"'));
    if (line) return (JSON.parse(line) as { url: string }).url;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "service graph ready" line; stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`);
}

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('the built-in OTLP exporter of bento serve (Front → Back, each in its own process)', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-otlp-'));
    copyFileSync(path.join(__dirname, 'fixtures/traced.ts'), path.join(dir, 'graph.ts'));
    receiver = await startReceiver();
  });
  afterEach(killStragglers);
  afterAll(async () => {
    await new Promise((resolve) => receiver?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serves the graph with `env`, makes one traced call, stops it (SIGTERM: drain) and waits for the exit. */
  async function oneTracedCall(env: NodeJS.ProcessEnv): Promise<Cli> {
    const cli = runBento(['serve', 'graph.ts:Front', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env });
    const url = await graphUrl(cli);
    const answer = await postJson(`${url}/double`, { n: 4 }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, 'x-request-id': 'otlp-e2e' });
    expect(answer.json).toEqual({ doubled: 8 });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    return cli;
  }

  it('sends nothing without OTEL_TRACES_EXPORTER, even with an endpoint set', async () => {
    await oneTracedCall({ OTEL_TRACES_EXPORTER: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` });
    expect(receiver.requests).toEqual([]);
  });

  it("with OTEL_TRACES_EXPORTER=otlp, each process sends its spans, the last ones when it drains", async () => {
    // A batch delay far beyond the test: what arrives was sent by the flush at shutdown.
    const cli = await oneTracedCall({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    expect(cli.stdout()).toMatch(/"msg":"exporting traces over OTLP\/HTTP"/);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of receiver.requests) expect(request).toBe('POST /v1/traces application/json');

    const spans = receiver.spans.filter((span) => span.traceId === TRACE_ID);
    expect(spans.map((span) => `${span.service}: ${span.name}`).sort()).toEqual(['Back: POST /_bento/call/double', 'Back: doubling', 'Front: Back.double', 'Front: POST /double']);
    const frontServer = spans.find((span) => span.name === 'POST /double')!;
    const client = spans.find((span) => span.name === 'Back.double')!;
    const backServer = spans.find((span) => span.name === 'POST /_bento/call/double')!;
    expect(frontServer).toMatchObject({ kind: SPAN_KIND_SERVER, parentSpanId: CALLER_SPAN });
    expect(client).toMatchObject({ kind: SPAN_KIND_CLIENT, parentSpanId: frontServer.spanId });
    expect(backServer).toMatchObject({ kind: SPAN_KIND_SERVER, parentSpanId: client.spanId });
    // The method's own span, through the context manager the built-in SDK installs.
    expect(spans.find((span) => span.name === 'doubling')).toMatchObject({ parentSpanId: backServer.spanId });
    expect(attribute(backServer, 'bento.request_id')).toEqual({ stringValue: 'otlp-e2e' });
    expect(attribute(frontServer, 'http.response.status_code')).toEqual({ intValue: 200 });
  });
});
