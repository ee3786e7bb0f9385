import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StartupError } from '../errors';
import { getServiceDefinition } from '../sdk/definition';
import type { ServiceGraph } from '../sdk/service-graph';
import { INTERNAL_TOKEN_ENV } from '../wire/internal-route';
import { freePort } from './free-port';
import { pollUntilReady } from '../client/readiness';
import { ConnectionPools } from './connection-pools';
import { serviceNodeFlags } from './node-flags';
import { RuntimeLog } from './runtime-log';
import { ServiceProcess } from './service-process';
import { SERVICE_MAP_ENV, type ServiceMap } from './service-map';

/** Options of a multi-process `bento serve`. */
export interface SupervisorOptions {
  /** The serve target every child loads (`file:Export`; none: bentofile.yaml); each child serves one service of its graph. */
  target?: string;
  port: number;
  host: string;
  /** Dependencies on TCP ports of 127.0.0.1 instead of Unix sockets. */
  tcp?: boolean;
  /** Extra CLI flags for every child (log level, body size). */
  childArgs?: string[];
  /** Where the runtime's lines and the services' go; default stdout. */
  log?: RuntimeLog;
  /** How long each service may take to become ready (a large model loads for minutes). Default 600 s. */
  readyTimeoutMs?: number;
  /** Seconds each service may take to drain on stop. */
  drainSeconds?: number;
}

const BENTO_BIN = path.join(__dirname, '../cli/bin.js');

/** Default time a service may take to become ready: long enough for a large model to load. */
export const DEFAULT_READY_TIMEOUT_MS = 600_000;

/**
 * Runs every service of a graph as its own process group on one machine: dependencies on Unix
 * sockets (or TCP), the entry on the public port; the service map and a fresh internal token in
 * every child's environment; started in dependency order, each waited for until ready; crashed
 * children restarted; stopped entry first so in-flight requests drain before their dependencies go.
 */
export class Supervisor {
  private readonly processes: ServiceProcess[] = [];
  /** Readiness probes of the services, over the same kind of pooled connection their callers use. */
  private readonly pools = new ConnectionPools();
  private socketDir?: string;
  private stopped?: Promise<void>;

  constructor(
    private readonly graph: ServiceGraph,
    private readonly options: SupervisorOptions,
  ) {}

  /** Starts the graph; resolves with the entry's URL once every service is ready. */
  async start(): Promise<string> {
    const { graph, options } = this;
    const log = options.log ?? new RuntimeLog();
    const socketDir = (this.socketDir = mkdtempSync(path.join(tmpdir(), 'bento-')));
    const token = randomBytes(32).toString('hex');
    const entryName = getServiceDefinition(graph.entry).name;

    const listenArgs = new Map<string, string[]>();
    const serviceMap: ServiceMap = {};
    for (const service of graph.order) {
      const { name } = getServiceDefinition(service);
      if (name === entryName) continue;
      if (options.tcp) {
        const port = await freePort();
        serviceMap[name] = `http://127.0.0.1:${port}`;
        listenArgs.set(name, ['--port', String(port), '--host', '127.0.0.1']);
      } else {
        const socket = path.join(socketDir, `${name}.sock`);
        serviceMap[name] = `unix://${socket}`;
        listenArgs.set(name, ['--socket', socket]);
      }
    }
    const entryPort = options.port === 0 ? await freePort(options.host === '0.0.0.0' ? '127.0.0.1' : options.host) : options.port;
    const entryHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
    const entryAddress = `http://${entryHost}:${entryPort}`;
    listenArgs.set(entryName, ['--port', String(entryPort), '--host', options.host]);

    const env = { ...process.env, [SERVICE_MAP_ENV]: JSON.stringify(serviceMap), [INTERNAL_TOKEN_ENV]: token };
    log.logger().info({ services: graph.order.map((s) => getServiceDefinition(s).name), service_map: serviceMap }, 'starting the service graph');
    const nodeFlags = serviceNodeFlags();
    for (const service of graph.order) {
      const { name } = getServiceDefinition(service);
      const child = new ServiceProcess(
        { name, args: [...nodeFlags, BENTO_BIN, 'serve', ...(options.target ? [options.target] : []), '--standalone', '--service', name, ...listenArgs.get(name)!, ...(options.childArgs ?? [])], env },
        log,
      );
      this.processes.push(child);
      child.start();
      const address = name === entryName ? entryAddress : serviceMap[name]!;
      try {
        const failedStart = child.exitedDuringStartup.then((exit) => {
          throw new Error(`it exited during startup (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`})`);
        });
        failedStart.catch(() => undefined); // raced below; once the race is over nobody waits for it
        // Polling stops once the process is gone; the exit, with its last lines, is the answer then.
        const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
        const polled = pollUntilReady(this.pools.readiness(address), timeoutMs, () => !child.exitedEarly).then((outcome) => {
          if (!outcome.ready) throw new Error(`not ready within ${timeoutMs / 1000}s (${outcome.last})`);
        });
        await Promise.race([polled, failedStart]);
        child.markReady();
      } catch (error) {
        await this.stop();
        const lines = child.recentLines.length > 0 ? `; its last log lines:\n${child.recentLines.map((line) => `  ${line}`).join('\n')}` : '';
        throw new StartupError(`Service ${name} did not start: ${(error as Error).message}${lines}`, error);
      }
    }
    return entryAddress;
  }

  /** The pid of each service's current process, by service name. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.processes.map((p) => [p.spec.name, p.pid]));
  }

  /** Stops every service, dependants first, and removes the socket directory. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const graceMs = ((this.options.drainSeconds ?? 30) + 5) * 1000;
      this.pools.close();
      for (const child of [...this.processes].reverse()) await child.stop(graceMs);
      if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}
