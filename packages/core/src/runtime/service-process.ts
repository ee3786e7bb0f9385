import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RuntimeLog } from './runtime-log';
import { RestartBackoff } from './restart-backoff';

/** How to start one service of the graph as its own process group. */
export interface ServiceProcessSpec {
  name: string;
  /** Node arguments: Node's own flags, then the bento CLI and `serve <target> --standalone ...`. */
  args: string[];
  env: NodeJS.ProcessEnv;
}


/** Log lines kept to explain a failed start. */
const LAST_LINES = 20;

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One service's process, kept alive: started in its own process group, its output merged into
 * the supervisor's stream with every line tagged with the service, restarted with exponential
 * backoff when it crashes, and stopped with SIGTERM (it drains) then SIGKILL after a grace period.
 * Until the supervisor marks it ready, an exit is not restarted: it is a failed start, reported
 * through `exitedDuringStartup` with the last lines the process wrote.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private stopping = false;
  private ready = false;
  private reportedStartupExit = false;
  private readonly lastLines: string[] = [];
  private startupExit?: (exit: ProcessExit) => void;
  /** Resolves when the process exits before `markReady()`; never otherwise. */
  readonly exitedDuringStartup = new Promise<ProcessExit>((resolve) => (this.startupExit = resolve));
  private readonly backoff = new RestartBackoff();
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly spec: ServiceProcessSpec,
    private readonly log: RuntimeLog,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the process wrote (readable text, JSON log lines reduced to their message). */
  get recentLines(): readonly string[] {
    return this.lastLines;
  }

  /** The process exited before it was marked ready, and its last output has been read. */
  get exitedEarly(): boolean {
    return this.reportedStartupExit;
  }

  /** From now on an exit is a crash of a running service: restarted with backoff. */
  markReady(): void {
    this.ready = true;
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
      this.lastLines.push(readable(line));
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
      // JSON lines from pino already carry "service"; anything else is wrapped so every line does.
      if (line.startsWith('{') && line.includes('"service"')) this.log.passThrough(line);
      else if (channel === 'stderr') this.log.logger(service).error(line);
      else this.log.logger(service).info(line);
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    if (!this.ready) {
      // After 'close' the last lines of its output have been read too.
      const child = this.child!;
      const report = () => {
        this.reportedStartupExit = true;
        this.startupExit!({ code, signal });
      };
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) report();
      else child.once('close', report);
      return;
    }
    const delay = this.backoff.next(Date.now() - this.startedAt);
    this.log.logger(this.spec.name).error({ pid: this.child?.pid, code, signal, restart_in_ms: delay }, `${this.spec.name} crashed; restarting`);
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

/** A log line as a person reads it: a JSON line's level, message and error message; any other line as is. */
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
    const error = typeof entry.err?.message === 'string' && entry.err.message !== entry.msg ? ` (${entry.err.message})` : '';
    return `${String(entry.level ?? 'info')}: ${String(entry.msg ?? '')}${error}`;
  } catch {
    return line;
  }
}
