import type { BentoError } from '../errors';
import type { SlotWaiter } from '../server/admission';
import { type PrimaryMessage, type WorkerMessage } from '../server/admission-protocol';
import { PoolAdmission } from '../server/pool-admission';
import { AdmissionAuthority, leaseBatch } from './admission-authority';

/** A request of the simulation: what the admission told it. */
class Request implements SlotWaiter {
  state: 'new' | 'waiting' | 'running' | 'refused' | 'abandoned' | 'done' = 'new';
  error?: BentoError;
  constructor(
    readonly name: string,
    readonly worker: Worker,
    private readonly onGrant: (request: Request) => void,
  ) {}
  slotGranted(): void {
    if (this.state !== 'waiting') throw new Error(`${this.name} granted a slot while ${this.state}`);
    this.state = 'running';
    this.onGrant(this);
  }
  slotRefused(error: BentoError): void {
    if (this.state !== 'waiting') throw new Error(`${this.name} refused while ${this.state}`);
    this.state = 'refused';
    this.error = error;
  }
}

/** One worker: its admission, and the messages in flight each way (each channel keeps its order). */
interface Worker {
  id: number;
  admission: PoolAdmission;
  toPrimary: WorkerMessage[];
  toWorker: PrimaryMessage[];
  deliver?: (message: PrimaryMessage) => void;
  alive: boolean;
}

/**
 * The pool's primary and its workers wired by in-memory channels whose messages the test delivers
 * one by one, in any order between channels: every interleaving the IPC channels allow.
 */
class Pool {
  readonly workers: Worker[] = [];
  readonly authority: AdmissionAuthority;
  /** Names of the requests that got a slot, in the order they did. */
  readonly started: string[] = [];
  sent = 0;

  constructor(readonly limit: number, readonly queueLimit: number, workers: number) {
    this.authority = new AdmissionAuthority(limit, queueLimit, leaseBatch(limit, workers), (id, message) => {
      const worker = this.workers[id]!;
      this.sent++;
      if (worker.alive) worker.toWorker.push(message);
    });
    for (let i = 0; i < workers; i++) this.addWorker();
  }

  addWorker(): Worker {
    const worker = { id: this.workers.length, toPrimary: [], toWorker: [], alive: true } as unknown as Worker;
    worker.admission = new PoolAdmission('S', this.limit, this.queueLimit, {
      send: (message) => {
        this.sent++;
        worker.toPrimary.push(message);
      },
      onMessage: (listener) => (worker.deliver = listener),
    });
    this.workers.push(worker);
    return worker;
  }

  request(worker: Worker, name: string): Request {
    const request = new Request(name, worker, (r) => this.started.push(r.name));
    const entry = worker.admission.enter(request);
    if (entry === 'refused') throw new Error('a pool worker never refuses at once');
    request.state = entry === 'admitted' ? 'running' : 'waiting';
    if (entry === 'admitted') this.started.push(name);
    this.check();
    return request;
  }

  finish(request: Request): void {
    expect(request.state).toBe('running');
    request.state = 'done';
    request.worker.admission.leave();
    this.check();
  }

  /** Delivers the oldest message of one channel; false when none is in flight. */
  step(pick: (count: number) => number = () => 0): boolean {
    const channels: Array<() => void> = [];
    for (const worker of this.workers) {
      if (!worker.alive) continue;
      if (worker.toPrimary.length) channels.push(() => this.authority.onMessage(worker.id, worker.toPrimary.shift()!));
      if (worker.toWorker.length) channels.push(() => worker.deliver!(worker.toWorker.shift()!));
    }
    if (channels.length === 0) return false;
    channels[pick(channels.length)]!();
    this.check();
    return true;
  }

  settle(): void {
    while (this.step());
  }

  kill(worker: Worker): void {
    worker.alive = false;
    worker.toPrimary.length = 0;
    worker.toWorker.length = 0;
    this.authority.onExit(worker.id);
    this.check();
  }

  /** The promise of max_concurrency: requests running in all live workers never exceed it. */
  check(): void {
    const running = this.workers.filter((w) => w.alive).reduce((sum, w) => sum + w.admission.inFlight, 0);
    expect(running).toBeLessThanOrEqual(this.limit);
  }
}

/** A small deterministic random generator (mulberry32), so that a failing interleaving can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the worker pool admission (primary and workers)', () => {
  it('lets a worker run the requests its lease covers without a message', () => {
    const pool = new Pool(100, 0, 2);
    const [a] = pool.workers;
    const first = pool.request(a!, 'first');
    expect(first.state).toBe('waiting');
    pool.settle();
    expect(first.state).toBe('running');
    const sent = pool.sent;
    // A lease of leaseBatch(100, 2) = 12 slots: eleven more requests need nothing from the primary.
    const more = Array.from({ length: 11 }, (_, i) => pool.request(a!, `more${i}`));
    expect(more.map((r) => r.state)).toEqual(Array(11).fill('running'));
    for (const request of [first, ...more]) pool.finish(request);
    expect(pool.request(a!, 'again').state).toBe('running');
    expect(pool.sent).toBe(sent);
  });

  it('refuses what is over max_concurrency across workers, after recalling the slots a worker kept unused', () => {
    const pool = new Pool(4, 0, 2);
    const [a, b] = pool.workers;
    // leaseBatch(4, 2) = 1: one slot per grant. Worker a takes all four, then lets them go.
    const held = ['a1', 'a2', 'a3', 'a4'].map((name) => {
      const request = pool.request(a!, name);
      pool.settle();
      return request;
    });
    expect(held.map((r) => r.state)).toEqual(['running', 'running', 'running', 'running']);
    pool.finish(held[0]!);
    pool.finish(held[1]!);
    // Worker a keeps its two free slots; b's requests get them through a recall, the third is refused.
    const asks = ['b1', 'b2', 'b3'].map((name) => pool.request(b!, name));
    pool.settle();
    expect(asks.map((r) => r.state)).toEqual(['running', 'running', 'refused']);
    expect(asks[2]!.error!.status).toBe(429);
    expect(asks[2]!.error!.message).toBe('Service S is at its max_concurrency of 4; retry later');
  });

  it('queues across workers and hands freed slots to the oldest first, whichever worker frees them', () => {
    const pool = new Pool(2, 3, 2);
    const [a, b] = pool.workers;
    const running = [pool.request(a!, 'r1'), pool.request(b!, 'r2')];
    pool.settle();
    const queued = [pool.request(b!, 'q1'), pool.request(a!, 'q2'), pool.request(b!, 'q3')];
    pool.settle();
    expect(queued.map((r) => r.state)).toEqual(['waiting', 'waiting', 'waiting']);
    const full = pool.request(a!, 'full');
    pool.settle();
    expect(full.state).toBe('refused');
    expect(full.error!.message).toBe('Service S is at its max_concurrency of 2 and its queue of 3 requests is full; retry later');
    // The one that leaves frees its place: a newcomer takes it, behind the others.
    a!.admission.abandon(queued[1]!);
    queued[1]!.state = 'abandoned';
    const late = pool.request(a!, 'late');
    pool.settle();
    expect(late.state).toBe('waiting');
    expect(pool.authority.queued).toBe(3);
    for (const request of running) {
      pool.finish(request);
      pool.settle();
    }
    pool.finish(queued[0]!);
    pool.settle();
    expect(pool.started).toEqual(['r1', 'r2', 'q1', 'q3', 'late']);
  });

  it("takes back the slots of a worker that exits, its queued requests' places too", () => {
    const pool = new Pool(2, 2, 2);
    const [a, b] = pool.workers;
    pool.request(a!, 'a1');
    pool.request(a!, 'a2');
    pool.settle();
    pool.request(a!, 'a3');
    pool.settle();
    expect(pool.authority.queued).toBe(1);
    pool.kill(a!);
    expect(pool.authority.queued).toBe(0);
    const replacement = pool.addWorker();
    const next = [pool.request(b!, 'b1'), pool.request(replacement, 'c1')];
    pool.settle();
    expect(next.map((r) => r.state)).toEqual(['running', 'running']);
  });

  it.each([
    [1, 1, 0, 2],
    [2, 2, 0, 2],
    [3, 4, 0, 3],
    [4, 6, 0, 4],
    [5, 1, 2, 2],
    [6, 2, 3, 2],
    [7, 4, 4, 3],
    [8, 6, 8, 4],
  ])('never runs more than max_concurrency, in any order of messages (seed %i: limit %i, queue %i, %i workers)', (seed, limit, queueLimit, workers) => {
    const next = random(seed);
    const pool = new Pool(limit, queueLimit, workers);
    const requests: Request[] = [];
    for (let event = 0; event < 3000; event++) {
      const live = pool.workers.filter((w) => w.alive);
      const roll = next();
      if (roll < 0.25) requests.push(pool.request(live[Math.floor(next() * live.length)]!, `r${event}`));
      else if (roll < 0.5) {
        const running = requests.filter((r) => r.state === 'running' && r.worker.alive);
        if (running.length) pool.finish(running[Math.floor(next() * running.length)]!);
      } else if (roll < 0.53) {
        const waiting = requests.filter((r) => r.state === 'waiting' && r.worker.alive);
        const request = waiting[Math.floor(next() * waiting.length)];
        if (request) {
          request.worker.admission.abandon(request);
          request.state = 'abandoned';
        }
      } else if (roll < 0.535 && live.length > 1) {
        pool.kill(live[Math.floor(next() * live.length)]!);
        pool.addWorker();
      } else pool.step((count) => Math.floor(next() * count));
    }
    // The run met every case: requests that ran, waited and were refused.
    expect(pool.started.length).toBeGreaterThan(20);
    expect(requests.filter((r) => r.state === 'refused').length).toBeGreaterThan(0);
    // Once every running request finished and every message arrived, nobody waits and every slot is free.
    for (;;) {
      pool.settle();
      const running = requests.filter((r) => r.state === 'running' && r.worker.alive);
      if (running.length === 0) break;
      for (const request of running) pool.finish(request);
    }
    const stuck = requests.filter((r) => r.state === 'waiting' && r.worker.alive);
    expect(stuck.map((r) => r.name)).toEqual([]);
    expect(pool.authority.queued).toBe(0);
    const kept = pool.workers.filter((w) => w.alive).reduce((sum, w) => sum + w.admission.inFlight, 0);
    expect(kept).toBe(0);
    // A last burst of `limit` requests on one worker all run: no slot was lost on the way.
    const burst = Array.from({ length: limit }, (_, i) => pool.request(pool.workers.filter((w) => w.alive)[0]!, `burst${i}`));
    pool.settle();
    expect(burst.map((r) => r.state)).toEqual(Array(limit).fill('running'));
  });
});
