import pino from 'pino';
import { createLogger, type Logger } from '../server/logger';

/**
 * Where `bento serve`'s own lines go (the supervisor's, a worker pool's, the CLI's), merged in
 * order with the lines of the service processes it runs: one synchronous destination on stdout.
 * The runtime writes few lines, and their order matters more than their cost. Every line is a
 * JSON line of the services' own logger, carrying the service it is about.
 */
export class RuntimeLog {
  private readonly destination = pino.destination({ dest: 1, sync: true });
  private readonly loggers = new Map<string, Logger>();

  /** The logger whose lines carry `service` (`bento` for the runtime itself). */
  logger(service = 'bento'): Logger {
    let logger = this.loggers.get(service);
    if (!logger) {
      logger = createLogger(service, { destination: this.destination });
      this.loggers.set(service, logger);
    }
    return logger;
  }

  /** A line that already is a service's JSON log line, written as it is. */
  passThrough(line: string): void {
    this.destination.write(line + '\n');
  }
}
