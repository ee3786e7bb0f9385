import pino from 'pino';
import type { Logger } from './logger';
import type { TraceContext } from '../wire/trace-context';

interface Destination {
  write(line: string): unknown;
}

/**
 * Writes one access line per request, in the same JSON-lines format and to the same destination
 * as the service's pino logger. The line is built by hand: going through pino's generic object
 * serialiser costs more than a whole small request, and these fields are always the same.
 */
export class AccessLog {
  private readonly destination?: Destination;
  private readonly prefix: string;

  constructor(logger: Logger, service: string) {
    const enabled = logger.isLevelEnabled('info');
    this.destination = enabled ? (logger as unknown as Record<symbol, Destination>)[pino.symbols.streamSym] : undefined;
    this.prefix = `{"level":"info","service":${JSON.stringify(service)},"time":"`;
  }

  write(requestId: string, method: string | undefined, path: string | undefined, status: number, durationMs: number, span?: TraceContext): void {
    if (!this.destination) return;
    // requestId is a safe token (see request-id.ts), the ids hex and method a token; the path is escaped.
    const trace = span ? `,"trace_id":"${span.traceId}","span_id":"${span.spanId}"` : '';
    this.destination.write(
      `${this.prefix}${new Date().toISOString()}","request_id":"${requestId}"${trace},"method":"${method}","path":${JSON.stringify(path ?? '')},"status":${status},"duration_ms":${Math.round(durationMs * 1000) / 1000},"msg":"request"}\n`,
    );
  }
}
