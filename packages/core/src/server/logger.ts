import pino, { type Logger } from 'pino';
import { callContext } from '../sdk/call-context';

export type { Logger };

/** Options for the structured logger every server writes its JSON lines to. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout, written asynchronously in batches so logging stays off the request's path. */
  destination?: pino.DestinationStream;
}

/**
 * A JSON-lines logger whose every line carries the service name: the format of every line Bento
 * prints, for a service's own lines too (which model it loaded, on which device).
 *
 * @example
 * ```ts fragment
 * const log = createLogger('SDXLControlNetService');
 * log.info({ model_dir: dir }, 'models loaded');
 * ```
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino(
    {
      level: options.level ?? process.env.BENTO_LOG_LEVEL ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: callFields,
    },
    destination,
  );
  if (!options.destination) {
    // Batches of 4 KiB keep logging off the request path under load; on a quiet service they would
    // hold a line (an access line, "generation stopped") until enough others came. Written out
    // within a second instead; unref'd, so the timer never keeps a process alive.
    setInterval(() => logger.flush(), FLUSH_INTERVAL_MS).unref();
  }
  return logger;
}

const FLUSH_INTERVAL_MS = 1000;

/** Headers that carry credentials (API keys, the graph's internal token, cookies), as pino paths below `headers`. */
const SECRET_HEADERS = ['.authorization', '["x-api-key"]', '["x-bento-internal-token"]', '.cookie'];

/**
 * Where credentials would sit in a logged object (a request's or an error's headers, at the top or
 * one level down): replaced by "[redacted]", so a key sent with a request never reaches the logs,
 * whoever logs the headers (a service's own `log.info({ headers: ctx.headers })` included).
 */
const REDACTED_PATHS = SECRET_HEADERS.flatMap((header) => [`headers${header}`, `*.headers${header}`]);

/**
 * The request a line is logged during, if any (see call-context.ts): its request id, trace id and
 * span id, so a service's own lines join the access lines and the trace. A field the line sets
 * itself wins.
 */
function callFields(): object {
  const current = callContext.getStore();
  // A new object each time: pino assigns the line's own fields onto it.
  if (!current) return {};
  return { request_id: current.requestId, trace_id: current.trace.traceId, span_id: current.trace.spanId };
}

/**
 * Writes out what the logger has buffered, synchronously: for the last lines before the process
 * exits (the default destination writes asynchronously in batches, which an exit would cut off).
 */
export function flushLogSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void }>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // A destination not open yet has nothing buffered.
  }
}

/**
 * Writes out buffered lines soon, for lines people wait for (starting, listening, stopped). The
 * default destination drops a flush asked for while a write is running, so the lines logged
 * meanwhile would wait for the next 4 KiB: flushing once more after that write drained sends them.
 */
export function flushLog(logger: Logger): void {
  logger.flush(() => logger.flush());
}
