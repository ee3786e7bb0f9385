import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RestartBackoff } from './restart-backoff';

/** How to start one service of the graph as its own process group. */
export interface ServiceProcessSpec {
  name: string;
  /** Node arguments: Node's own flags, then the bento CLI and `serve <target> --standalone ...`. */
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Writes one line of the merged log stream. */
export type LogSink = (line: string) => void;

/**
 * One service's process, kept alive: started in its own process group, its output merged into
 * the supervisor's stream with every line tagged with the service, restarted with exponential
 * backoff when it crashes, and stopped with SIGTERM (it drains) then SIGKILL after a grace period.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private stopping = false;
  private readonly backoff = new RestartBackoff();
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly spec: ServiceProcessSpec,
    private readonly log: LogSink,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.startedAt = Date.now();
    // An IPC channel: when the supervisor dies, the child sees 'disconnect' and stops (no orphans).
    const child = spawn(process.execPath, this.spec.args, {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    this.tag(child.stdout!, 'stdout');
    this.tag(child.stderr!, 'stderr');
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  private tag(stream: NodeJS.ReadableStream, channel: string): void {
    const service = this.spec.name;
    createInterface({ input: stream }).on('line', (line) => {
      // JSON lines from pino already carry "service"; anything else is wrapped so every line does.
      if (line.startsWith('{') && line.includes('"service"')) this.log(line);
      else this.log(JSON.stringify({ level: channel === 'stderr' ? 'error' : 'info', service, time: new Date().toISOString(), msg: line }));
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const delay = this.backoff.next(Date.now() - this.startedAt);
    this.log(
      JSON.stringify({ level: 'error', service: this.spec.name, time: new Date().toISOString(), pid: this.child?.pid, code, signal, restart_in_ms: delay, msg: `${this.spec.name} crashed; restarting` }),
    );
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  /** SIGTERM to the process group (the service drains), SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      signalGroup(child, 'SIGTERM');
    });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The negative pid is the child's own process group (it was spawned detached).
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}
