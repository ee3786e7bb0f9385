import type { Logger } from '../server/logger';
import { registeredTracer } from '../sdk/otel-tracer';

/**
 * The OpenTelemetry SDK packages the built-in exporter loads, optional (installed by the user), at
 * the release line it is tested with: the SDK 2.x line, which still runs on Node 20.
 */
export const OTLP_TRACING_PACKAGES = ['@opentelemetry/sdk-trace-node@^2', '@opentelemetry/exporter-trace-otlp-http@^0.223', '@opentelemetry/resources@^2'] as const;

/** The built-in exporter, once started in this process: `flush` sends the spans it still holds. */
export interface TraceExport {
  flush(): Promise<void>;
}

/** Whether the standard OpenTelemetry environment asks for traces over OTLP. */
export function otlpTracesRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  // A comma-separated list in the specification; the built-in exporter only speaks OTLP.
  return (env.OTEL_TRACES_EXPORTER ?? '').split(',').some((name) => name.trim().toLowerCase() === 'otlp');
}

let started: TraceExport | undefined;
let decided = false;

/**
 * Starts the built-in OTLP trace exporter when the environment asks for it
 * (`OTEL_TRACES_EXPORTER=otlp`): an OpenTelemetry SDK with a batching OTLP/HTTP (JSON) exporter,
 * registered globally, so every API call and `depends()` call of this process becomes a span. Its
 * endpoint, headers and timeouts come from the standard `OTEL_EXPORTER_OTLP_*` variables, its
 * `service.name` from `OTEL_SERVICE_NAME`, else `serviceName`. Once per process: several served
 * services (tests) share it. Not started, with one line saying why, when the user registered an
 * SDK of their own or the SDK packages are not installed; serving goes on without export.
 */
export function startTracingFromEnv(serviceName: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): TraceExport | undefined {
  if (decided) return started;
  decided = true;
  if (!otlpTracesRequested(env)) return undefined;
  if (registeredTracer()) {
    logger.warn('OTEL_TRACES_EXPORTER=otlp: an OpenTelemetry SDK is already registered in this process; its own exporters are used, the built-in one is not started');
    return undefined;
  }
  const sdk = loadSdk(logger);
  if (!sdk) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== 'http/json') {
    logger.warn({ protocol }, 'The built-in OTLP exporter sends OTLP/HTTP with JSON bodies (http/json); the protocol asked for is not used');
  }
  const { NodeTracerProvider, BatchSpanProcessor } = sdk.node;
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = sdk.resources;
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the service's name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new sdk.exporter.OTLPTraceExporter())] });
  // Also installs the async-hooks context manager and the W3C propagator, for the user's own spans.
  provider.register();
  logger.info({ endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318' }, 'exporting traces over OTLP/HTTP');
  started = { flush: () => provider.forceFlush() };
  return started;
}

/** Sends the spans the built-in exporter still holds (before the process exits); nothing when it is off. */
export async function flushTracing(logger: Logger): Promise<void> {
  try {
    await started?.flush();
  } catch (error) {
    logger.warn({ err: error }, 'Could not send the last spans to the OTLP endpoint');
  }
}

interface OtelSdk {
  node: typeof import('@opentelemetry/sdk-trace-node');
  exporter: typeof import('@opentelemetry/exporter-trace-otlp-http');
  resources: typeof import('@opentelemetry/resources');
}

/** The SDK packages, loaded only now (the exporter is off by default); undefined, said once, when one is missing. */
function loadSdk(logger: Logger): OtelSdk | undefined {
  try {
    return {
      node: require('@opentelemetry/sdk-trace-node') as OtelSdk['node'],
      exporter: require('@opentelemetry/exporter-trace-otlp-http') as OtelSdk['exporter'],
      resources: require('@opentelemetry/resources') as OtelSdk['resources'],
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    logger.error(
      { missing: (error as Error).message.split('\n')[0] },
      `OTEL_TRACES_EXPORTER=otlp asks for trace export, but the OpenTelemetry SDK is not installed: npm install ${OTLP_TRACING_PACKAGES.join(' ')} (traces are not exported)`,
    );
    return undefined;
  }
}
