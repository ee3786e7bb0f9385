import pino, { type Logger } from 'pino';

export type { Logger };

/** Options for the structured logger every server writes its JSON lines to. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout, written asynchronously in batches so logging stays off the request's path. */
  destination?: pino.DestinationStream;
}

/** A JSON-lines logger whose every line carries the service name. */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino(
    {
      level: options.level ?? process.env.BENTO_LOG_LEVEL ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
