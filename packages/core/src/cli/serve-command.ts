import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import { BentoError, ConfigError } from '../errors';
import { getServiceDefinition, type ServiceClass } from '../sdk/definition';
import { buildServiceGraph } from '../sdk/service-graph';
import { loadServiceTarget } from '../runtime/load-target';
import { serve } from '../runtime/serve';
import { Supervisor } from '../runtime/supervisor';
import { removeStaleSocket } from '../server/stale-socket';
import { parsePort, parseSize } from './parse-size';
import { startPoolWorker } from './pool-worker';
import { runWorkerPool, workerCount } from './worker-pool';

function asArgument<T>(parse: (text: string) => T) {
  return (text: string): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

interface ServeFlags {
  port: number;
  host: string;
  socket?: string;
  maxBodySize?: number;
  logLevel: string;
  development?: boolean;
  standalone?: boolean;
  service?: string;
  tcp?: boolean;
}

/** Stops `stop` once on SIGTERM/SIGINT (and when a supervising parent goes away), then exits. */
function onShutdownSignals(stop: () => Promise<void>, log: (msg: string) => void): void {
  let stopping = false;
  const handler = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(reason);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM: draining in-flight requests'));
  process.on('SIGINT', () => handler('SIGINT: draining in-flight requests'));
  // Started by a supervisor with an IPC channel: when it dies, the channel closes; stop too.
  if (process.send) process.on('disconnect', () => handler('supervisor went away: stopping'));
}

function pickService(entry: ServiceClass, name: string): ServiceClass {
  const { order } = buildServiceGraph(entry);
  const found = order.find((service) => getServiceDefinition(service).name === name);
  if (!found) {
    throw new ConfigError(`No service named ${name} in the graph of ${getServiceDefinition(entry).name} (its services: ${order.map((s) => getServiceDefinition(s).name).join(', ')})`);
  }
  return found;
}

async function runServe(target: string | undefined, flags: ServeFlags): Promise<void> {
  process.env.BENTO_LOG_LEVEL = flags.logLevel;
  const entry = await loadServiceTarget(target);
  const graph = buildServiceGraph(entry);
  const listen = flags.socket ? { socket: flags.socket } : { port: flags.port, host: flags.host };

  if (flags.standalone || flags.service) {
    // One service of the graph (what each container runs); its dependencies through BENTO_SERVICE_MAP.
    const chosen = flags.service ? pickService(entry, flags.service) : entry;
    const { name, options } = getServiceDefinition(chosen);
    const workers = workerCount(options);
    if (workers > 1 && cluster.isPrimary) {
      // Once, here: the workers share the socket the primary binds, so none of them may judge it stale.
      if (flags.socket) await removeStaleSocket(flags.socket);
      runWorkerPool(workers, name, (entry) => process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n'));
      return;
    }
    const start = () => serve(chosen, { ...listen, maxBodySize: flags.maxBodySize });
    const running = cluster.isWorker ? await startPoolWorker(start, reportCliError) : await start();
    onShutdownSignals(() => running.close(), (msg) => running.server.logger.info(msg));
    return;
  }
  if (flags.development || (graph.order.length === 1 && workerCount(getServiceDefinition(entry).options) === 1)) {
    // The whole graph in this process, dependencies called directly.
    const running = await serve(entry, { ...listen, maxBodySize: flags.maxBodySize, serviceMap: flags.development ? {} : undefined });
    onShutdownSignals(() => running.close(), (msg) => running.server.logger.info(msg));
    return;
  }
  if (flags.socket) throw new ConfigError('--socket serves one service; use it with --standalone');
  const childArgs = ['--log-level', flags.logLevel, ...(flags.maxBodySize ? ['--max-body-size', String(flags.maxBodySize)] : [])];
  const supervisor = new Supervisor(graph, { target, port: flags.port, host: flags.host, tcp: flags.tcp, childArgs });
  onShutdownSignals(() => supervisor.stop(), (msg) => process.stdout.write(JSON.stringify({ level: 'info', service: 'bento', time: new Date().toISOString(), msg }) + '\n'));
  const url = await supervisor.start();
  process.stdout.write(JSON.stringify({ level: 'info', service: 'bento', time: new Date().toISOString(), url, pids: supervisor.pids(), msg: 'service graph ready' }) + '\n');
}

/** `bento serve [target]`: serves a service and its dependencies until SIGTERM/SIGINT. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve a service over HTTP: every service of its graph in its own process (production), or all in one (--development)')
    .argument('[target]', 'module and export, e.g. ./service.ts:Describe or service:Describe (default: service: in bentofile.yaml)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', asArgument(parsePort), process.env.PORT ? Number(process.env.PORT) : 3000)
    .option('--host <host>', 'interface to bind', '0.0.0.0')
    .option('--development', 'run the whole graph in one process with direct calls')
    .option('--standalone', 'serve only the target service; dependencies from BENTO_SERVICE_MAP (what a container runs)')
    .option('--service <name>', 'with --standalone: serve this service of the target\'s graph instead of the target')
    .option('--socket <path>', 'with --standalone: listen on a Unix socket instead of a port')
    .option('--tcp', 'dependencies listen on TCP ports of 127.0.0.1 instead of Unix sockets')
    .option('--max-body-size <size>', 'largest request body, e.g. 64mb', asArgument(parseSize))
    .option('--log-level <level>', 'log level: trace, debug, info, warn, error', process.env.BENTO_LOG_LEVEL ?? 'info')
    .addHelpText(
      'after',
      '\nExamples:\n  bento serve ./service.ts:ControlNet --port 3000   # every service in its own process\n  bento serve --development                        # reads service: from bentofile.yaml; one process\n  BENTO_SERVICE_MAP=\'{"SDXL":"http://sdxl:3000"}\' bento serve service:ControlNet --standalone\n',
    )
    .action(runServe);
}

/** Prints an error the way users should see it: the message, no stack for errors we raised. */
export function reportCliError(error: unknown): void {
  if (error instanceof BentoError) process.stderr.write(`bento: ${error.message}\n`);
  else process.stderr.write(`bento: ${(error as Error)?.stack ?? String(error)}\n`);
}
