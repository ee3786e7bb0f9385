import { otlpTracesRequested } from './otlp-tracing';

describe('OTEL_TRACES_EXPORTER', () => {
  it('turns the built-in exporter on only when it names otlp, and never with OTEL_SDK_DISABLED=true', () => {
    expect(otlpTracesRequested({})).toBe(false);
    expect(otlpTracesRequested({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(otlpTracesRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(otlpTracesRequested({ OTEL_TRACES_EXPORTER: 'console, OTLP' })).toBe(true);
    expect(otlpTracesRequested({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(otlpTracesRequested({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' })).toBe(true);
  });
});
