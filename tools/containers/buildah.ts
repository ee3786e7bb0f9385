/**
 * buildah for the image tests: a private image store in a temporary directory (vfs driver, chroot
 * isolation: what works as root without a container engine or registry), removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Why images cannot be built here, or undefined when they can. */
export function buildahUnavailable(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'not running as root (buildah builds with chroot isolation as root)';
  const probe = spawnSync('buildah', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0)
    return 'buildah is not installed (Debian: apt-get install buildah)';
  return undefined;
}

export interface Finished {
  code: number | null;
  output: string;
}

export class BuildahStore {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'bento-buildah-'));
  /** Global options that point buildah at this store. */
  readonly globalArgs = [
    '--storage-driver',
    'vfs',
    '--root',
    path.join(this.dir, 'root'),
    '--runroot',
    path.join(this.dir, 'run'),
  ];
  private readonly children = new Set<ChildProcess>();

  /** Runs `buildah <args>` on this store; rejects with its output when it fails. */
  async buildah(args: string[], timeoutMs = 120_000): Promise<string> {
    const { code, output } = await this.finish(
      this.start(['buildah', ...this.globalArgs, ...args]),
      timeoutMs,
    );
    if (code !== 0)
      throw new Error(`buildah ${args.join(' ')} exited with ${code}:\n${output.slice(-6000)}`);
    return output;
  }

  /** The command line of `buildah run` for a command in a container of this store. */
  runArgs(container: string, command: string[], env: Record<string, string> = {}): string[] {
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    return [
      'buildah',
      ...this.globalArgs,
      'run',
      '--isolation',
      'chroot',
      ...envArgs,
      container,
      '--',
      ...command,
    ];
  }

  /** Runs a command line (e.g. from `runArgs`) to its end and collects its output. */
  async command(argv: string[], timeoutMs: number): Promise<Finished> {
    return this.finish(this.start(argv), timeoutMs);
  }

  /** Starts a command in a process group of its own (stopped as a whole), output collected. */
  start(
    argv: string[],
    env: NodeJS.ProcessEnv = process.env,
  ): ChildProcess & { output: () => string } {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env,
    });
    this.children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', () => this.children.delete(child));
    return Object.assign(child, { output: () => output });
  }

  /** Waits for a started command; past the timeout its group is killed. */
  finish(child: ChildProcess & { output: () => string }, timeoutMs: number): Promise<Finished> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
      const done = (code: number | null) => {
        clearTimeout(timer);
        resolve({ code, output: child.output() });
      };
      if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
      else child.once('close', done);
    });
  }

  /** Kills what is still running, removes every container and image of this store, then the store. */
  async remove(): Promise<void> {
    for (const child of this.children) killGroup(child, 'SIGKILL');
    await this.buildah(['rm', '--all']).catch(() => undefined);
    await this.buildah(['rmi', '--all', '--force']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Signals a child started by `start()` and everything in its process group. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
