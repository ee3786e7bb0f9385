import { Command, InvalidArgumentError } from 'commander';
import { BentoError } from '../errors';
import { loadServiceTarget } from '../runtime/load-target';
import { serve } from '../runtime/serve';
import { parsePort, parseSize } from './parse-size';

function asArgument<T>(parse: (text: string) => T) {
  return (text: string): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/** `bento serve [target]`: loads a service and serves it until SIGTERM/SIGINT. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve a service over HTTP')
    .argument('[target]', 'module and export, e.g. ./service.ts:Describe or service:Describe (default: service: in bentofile.yaml)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', asArgument(parsePort), process.env.PORT ? Number(process.env.PORT) : 3000)
    .option('--host <host>', 'interface to bind', '0.0.0.0')
    .option('--max-body-size <size>', 'largest request body, e.g. 64mb', asArgument(parseSize))
    .option('--log-level <level>', 'log level: trace, debug, info, warn, error', process.env.BENTO_LOG_LEVEL ?? 'info')
    .addHelpText('after', '\nExamples:\n  bento serve ./service.ts:Describe --port 3000\n  bento serve            # reads service: from bentofile.yaml\n')
    .action(async (target: string | undefined, options: { port: number; host: string; maxBodySize?: number; logLevel: string }) => {
      process.env.BENTO_LOG_LEVEL = options.logLevel;
      const serviceClass = await loadServiceTarget(target);
      const running = await serve(serviceClass, { port: options.port, host: options.host, maxBodySize: options.maxBodySize });
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        running.server.logger.info({ signal }, 'draining in-flight requests');
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}

/** Prints an error the way users should see it: the message, no stack for errors we raised. */
export function reportCliError(error: unknown): void {
  if (error instanceof BentoError) process.stderr.write(`bento: ${error.message}\n`);
  else process.stderr.write(`bento: ${(error as Error)?.stack ?? String(error)}\n`);
}
