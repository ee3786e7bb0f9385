import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Calls that start, report it, and end when the test says so: what a test of max_concurrency
 * needs to know which requests run, in which order, without timing anything.
 */
export class Holds {
  /** Names of the calls that started, in the order they did. */
  readonly started: string[] = [];
  /** Where `nextStart` has read up to. */
  private seen = 0;
  private readonly releases = new Map<string, () => void>();
  private wake?: () => void;

  /** What a held call runs: reports its start and returns when released. */
  hold(name: string): Promise<void> {
    const released = new Promise<void>((resolve) => this.releases.set(name, resolve));
    this.started.push(name);
    this.wake?.();
    return released;
  }

  /** Ends the call `name`, which must have started. */
  release(name: string): void {
    const release = this.releases.get(name);
    if (!release) throw new Error(`${name} has not started (started: ${this.started.join(', ')})`);
    this.releases.delete(name);
    release();
  }

  /** The name of the next call to start after those `nextStart` returned before. */
  async nextStart(): Promise<string> {
    while (this.started.length <= this.seen) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.started[this.seen++]!;
  }

  /** Releases every call still held (cleanup). */
  releaseAll(): void {
    for (const name of [...this.releases.keys()]) this.release(name);
  }
}

/**
 * `Holds` for services in other processes: a call POSTs `/started?name=…&pid=…` here and gets its
 * answer when the test releases it. `pids` says which process ran each call.
 */
export class HoldServer {
  readonly holds = new Holds();
  readonly pids = new Map<string, number>();
  private readonly server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://control').searchParams;
    const name = query.get('name') ?? '';
    this.pids.set(name, Number(query.get('pid')));
    req.resume();
    void this.holds.hold(name).then(() => res.end('released'));
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.holds.releaseAll();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
