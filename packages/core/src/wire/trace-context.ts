import { randomBytes } from 'node:crypto';

/** The W3C Trace Context header: `00-<trace id>-<parent span id>-<flags>`. */
export const TRACEPARENT_HEADER = 'traceparent';

/** One hop of a trace: the trace it belongs to and this hop's own span. */
export interface TraceContext {
  /** 32 lower-case hex digits, the same on every hop of one request. */
  traceId: string;
  /** 16 lower-case hex digits, new on every hop. */
  spanId: string;
  /** 2 hex digits (01: sampled). */
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A valid version-00 `traceparent` (all-zero ids are invalid), else undefined. */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** A new span in `parent`'s trace, or the first span of a new trace. */
export function childSpan(parent: TraceContext | undefined): TraceContext {
  return { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), flags: parent?.flags ?? '01' };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
