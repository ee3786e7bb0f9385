import { randomBytes } from 'node:crypto';

/** The W3C Trace Context header: `00-<trace id>-<parent span id>-<flags>`. */
export const TRACEPARENT_HEADER = 'traceparent';

/** The W3C header of vendors' trace data (`key=value,…`), passed on unchanged beside `traceparent`. */
export const TRACESTATE_HEADER = 'tracestate';

/** One hop of a trace: the trace it belongs to and this hop's own span. */
export interface TraceContext {
  /** 32 lower-case hex digits, the same on every hop of one request. */
  traceId: string;
  /** 16 lower-case hex digits, new on every hop. */
  spanId: string;
  /** 2 hex digits (01: sampled). */
  flags: string;
  /** The caller's `tracestate`, when it sent a valid one: every hop forwards it as it came. */
  state?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A valid version-00 `traceparent` (all-zero ids are invalid), else undefined. */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** A key of a tracestate member: a simple key, or `tenant@system` (W3C Trace Context, level 1). */
const TRACESTATE_KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
/** A value: printable ASCII but "," and "=", not ending in a space. */
const TRACESTATE_VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const MAX_TRACESTATE_MEMBERS = 32;

/**
 * A `tracestate` fit to pass on, normalised (repeated headers joined, blanks around members
 * dropped), or undefined when there is none or it breaks the W3C rules: a malformed one is dropped
 * whole rather than repaired, as the spec allows, since a partial one could misstate a vendor's data.
 */
export function parseTracestate(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const members = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
  if (members.length === 0 || members.length > MAX_TRACESTATE_MEMBERS) return undefined;
  const keys = new Set<string>();
  for (const member of members) {
    const equals = member.indexOf('=');
    const key = member.slice(0, equals);
    if (equals < 0 || !TRACESTATE_KEY.test(key) || !TRACESTATE_VALUE.test(member.slice(equals + 1)) || keys.has(key)) return undefined;
    keys.add(key);
  }
  return members.join(',');
}

/**
 * The trace a request continues: its `traceparent`, with its `tracestate` when both are valid
 * (a tracestate without a valid traceparent belongs to no trace we know, so it is dropped).
 */
export function callerTrace(traceparent: unknown, tracestate: string | string[] | undefined): TraceContext | undefined {
  const parent = parseTraceparent(traceparent);
  if (!parent) return undefined;
  const state = parseTracestate(tracestate);
  return state === undefined ? parent : { ...parent, state };
}

/** A new span in `parent`'s trace (keeping its tracestate), or the first span of a new trace. */
export function childSpan(parent: TraceContext | undefined): TraceContext {
  const child: TraceContext = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), flags: parent?.flags ?? '01' };
  if (parent?.state !== undefined) child.state = parent.state;
  return child;
}

/** The headers that carry `trace` to the next hop: `traceparent`, and `tracestate` when it has one. */
export function traceHeaders(trace: TraceContext): Record<string, string> {
  const headers: Record<string, string> = { [TRACEPARENT_HEADER]: formatTraceparent(trace) };
  if (trace.state !== undefined) headers[TRACESTATE_HEADER] = trace.state;
  return headers;
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
