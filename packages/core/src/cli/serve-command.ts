import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import { BentoError, ConfigError } from '../errors';
import { maxQueueSize } from '../config/service-options';
import { getServiceDefinition, type ServiceClass } from '../sdk/definition';
import { buildServiceGraph } from '../sdk/service-graph';
import { applyConfigOverrides } from '../runtime/config-overrides';
import { loadServiceTarget } from '../runtime/load-target';
import { serve, type RunningService, type ServeOptions } from '../runtime/serve';
import { DEFAULT_READY_TIMEOUT_MS, Supervisor } from '../runtime/supervisor';
import { parsePort, parseSeconds, parseSize } from './parse-size';
import { reportWorkerReady } from '../runtime/pool-worker';
import { RuntimeLog } from '../runtime/runtime-log';
import { runWorkerPool, workerCount } from '../runtime/worker-pool';

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
  maxJsonSize?: number;
  readyTimeout: number;
  exposeInternal?: boolean;
  logLevel: string;
  development?: boolean;
  standalone?: boolean;
  service?: string;
  tcp?: boolean;
}

/** Stops `stop` once on SIGTERM/SIGINT (and when a supervising parent goes away), then exits. */
function onShutdownSignals(stop: () => Promise<void>, log: (msg: string, cause: string) => void): void {
  let stopping = false;
  const handler = (cause: string, what: string) => {
    if (stopping) return;
    stopping = true;
    log(`${cause}: ${what}`, cause);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM', 'draining in-flight requests'));
  process.on('SIGINT', () => handler('SIGINT', 'draining in-flight requests'));
  // Started by a supervisor with an IPC channel: when it dies, the channel closes; stop too.
  if (process.send) process.on('disconnect', () => handler('supervisor went away', 'stopping'));
}

/**
 * Serves `service` in this process until SIGTERM/SIGINT. A signal that comes while it is still
 * starting ends the process at once: loading a model can take minutes, and whoever stops it is
 * not waiting for that.
 */
async function serveUntilStopped(service: ServiceClass, options: ServeOptions): Promise<RunningService> {
  let running: RunningService | undefined;
  onShutdownSignals(
    () => running?.close() ?? Promise.resolve(),
    (reason, cause) => {
      if (running) running.server.logger.info(reason);
      else new RuntimeLog().logger(getServiceDefinition(service).name).info(`${cause} during startup: exiting before the service was ready`);
    },
  );
  running = await serve(service, options);
  return running;
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
  // A deployment's config_overrides (bento deploy sets them), before any option is read.
  applyConfigOverrides(graph);
  const listen = flags.socket ? { socket: flags.socket } : { port: flags.port, host: flags.host };
  const limits = { maxBodySize: flags.maxBodySize, maxJsonBodySize: flags.maxJsonSize };

  if (flags.standalone || flags.service) {
    // One service of the graph (what each container runs); its dependencies through BENTO_SERVICE_MAP.
    const chosen = flags.service ? pickService(entry, flags.service) : entry;
    const { name, options } = getServiceDefinition(chosen);
    const workers = workerCount(options);
    if (workers > 1 && cluster.isPrimary) {
      const admission = { service: name, limit: options.traffic.max_concurrency, queueLimit: maxQueueSize(options.traffic) };
      await runWorkerPool(workers, name, new RuntimeLog().logger(name), { socket: flags.socket, admission });
      return;
    }
    // The entry's port is the public one: other services' internal calls go to their own listeners.
    const internalCalls = chosen !== entry || flags.exposeInternal === true;
    // A failed start rejects, and the bin exits 1 (a pool worker too: its IPC channel would keep it alive).
    const running = await serveUntilStopped(chosen, { ...listen, ...limits, internalCalls });
    if (cluster.isWorker) reportWorkerReady(running.url);
    return;
  }
  if (flags.development || (graph.order.length === 1 && workerCount(getServiceDefinition(entry).options) === 1)) {
    // The whole graph in this process, dependencies called directly.
    await serveUntilStopped(entry, { ...listen, ...limits, internalCalls: flags.exposeInternal === true, serviceMap: flags.development ? {} : undefined });
    return;
  }
  if (flags.socket) throw new ConfigError('--socket serves one service; use it with --standalone');
  const childArgs = [
    '--log-level', flags.logLevel,
    ...(flags.maxBodySize ? ['--max-body-size', String(flags.maxBodySize)] : []),
    ...(flags.maxJsonSize ? ['--max-json-size', String(flags.maxJsonSize)] : []),
    ...(flags.exposeInternal ? ['--expose-internal'] : []),
  ];
  const log = new RuntimeLog();
  const supervisor = new Supervisor(graph, { target, port: flags.port, host: flags.host, tcp: flags.tcp, childArgs, readyTimeoutMs: flags.readyTimeout * 1000, log });
  onShutdownSignals(() => supervisor.stop(), (msg) => log.logger().info(msg));
  const url = await supervisor.start();
  log.logger().info({ url, pids: supervisor.pids() }, 'service graph ready');
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
    .option('--max-body-size <size>', 'largest request body (multipart uploads, internal calls), e.g. 64mb; default 64mb', asArgument(parseSize))
    .option('--max-json-size <size>', 'largest JSON request body, e.g. 8mb; default 8mb', asArgument(parseSize))
    .option('--ready-timeout <seconds>', 'how long each service may take to become ready (loading a large model takes minutes)', asArgument(parseSeconds), DEFAULT_READY_TIMEOUT_MS / 1000)
    .option('--expose-internal', "also serve the internal route other services call (/_bento/call/...) on the entry service's public port")
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
