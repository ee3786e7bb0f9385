import { ACQUIRE, CANCEL, GRANT, RECALL, REFUSE, RELEASE, UNCONTENDED, type PrimaryMessage, type WorkerMessage } from '../server/admission-protocol';

/** A worker's request waiting for the primary's decision or in the queue. */
interface Ask {
  worker: number;
  id: number;
}

/**
 * The primary's half of `max_concurrency` in a worker pool (protocol: server/admission-protocol.ts).
 * It counts the slots each worker holds; their sum never exceeds the limit, since a worker only
 * uses slots granted to it and the primary counts a slot as the worker's from the moment it sends
 * the grant until the worker's release arrives. The slots of a worker that exits come back.
 *
 * Asks wait here, oldest first, while slots are recalled from the workers; those still without a
 * slot then stay in the queue (up to `queueLimit`) and get the next freed slots in order, the
 * newest beyond it are refused. Plain logic over a `send` function, so that the lease protocol
 * can be driven message by message in tests.
 */
export class AdmissionAuthority {
  private free: number;
  /** Slots each worker holds (running or kept), as far as the primary knows. */
  private readonly held = new Map<number, number>();
  /** Asks without a slot, oldest first; a Map keeps insertion order and removes in O(1). */
  private readonly waiting = new Map<string, Ask>();
  /** Workers that talked to the primary: those told when contention ends. */
  private readonly known = new Set<number>();
  private contended = false;
  /** The recall under way: the workers whose answer is awaited. */
  private recall?: { number: number; awaiting: Set<number> };
  private recalls = 0;

  /**
   * `batch`: slots granted at once while uncontended, so that a worker asks again only every
   * `batch` requests; `leaseBatch()` gives the usual value.
   */
  constructor(
    readonly limit: number,
    readonly queueLimit: number,
    private readonly batch: number,
    private readonly send: (worker: number, message: PrimaryMessage) => void,
  ) {
    this.free = limit;
  }

  onMessage(worker: number, message: WorkerMessage): void {
    this.known.add(worker);
    switch (message.type) {
      case ACQUIRE:
        this.waiting.set(key(worker, message.id), { worker, id: message.id });
        if (this.free === 0 && !this.contended) this.startRecall();
        break;
      case CANCEL:
        this.waiting.delete(key(worker, message.id));
        break;
      case RELEASE:
        this.take(worker, message.count);
        if (message.recall !== undefined && message.recall === this.recall?.number) this.recall.awaiting.delete(worker);
        break;
    }
    this.decide();
  }

  /** A worker exited: its slots are free again (its requests died with it), its asks are dropped. */
  onExit(worker: number): void {
    this.take(worker, this.held.get(worker) ?? 0);
    this.held.delete(worker);
    this.known.delete(worker);
    for (const [k, ask] of this.waiting) if (ask.worker === worker) this.waiting.delete(k);
    this.recall?.awaiting.delete(worker);
    this.decide();
  }

  /** Slots held by workers now (running or kept by them). */
  get inUse(): number {
    return this.limit - this.free;
  }

  /** Asks waiting for a slot. */
  get queued(): number {
    return this.waiting.size;
  }

  private startRecall(): void {
    this.contended = true;
    const number = ++this.recalls;
    const awaiting = new Set([...this.held].filter(([, slots]) => slots > 0).map(([worker]) => worker));
    this.recall = { number, awaiting };
    for (const worker of awaiting) this.send(worker, { type: RECALL, recall: number });
  }

  /** Grants free slots to the oldest asks; once no recall is pending, queues or refuses the rest. */
  private decide(): void {
    for (const [k, ask] of this.waiting) {
      if (this.free === 0) break;
      this.waiting.delete(k);
      const slots = this.contended ? 1 : Math.min(this.free, this.batch);
      this.free -= slots;
      this.held.set(ask.worker, (this.held.get(ask.worker) ?? 0) + slots);
      this.send(ask.worker, { type: GRANT, id: ask.id, slots, contended: this.contended });
    }
    // Until every recalled worker answered, a slot may still come back for the asks left.
    if (this.recall && this.recall.awaiting.size > 0) return;
    this.recall = undefined;
    if (this.waiting.size > this.queueLimit) {
      // The oldest keep their places; the newest, beyond the queue, are refused.
      let place = 0;
      for (const [k, ask] of this.waiting) {
        if (place++ < this.queueLimit) continue;
        this.waiting.delete(k);
        this.send(ask.worker, { type: REFUSE, id: ask.id });
      }
    }
    // Contention ends when nobody waits and a whole lease is free again: ending it at the first
    // free slot would flap between the two modes on every request near the limit.
    if (this.contended && this.waiting.size === 0 && this.free >= this.batch) {
      this.contended = false;
      for (const worker of this.known) this.send(worker, { type: UNCONTENDED });
    }
  }

  private take(worker: number, count: number): void {
    if (count <= 0) return;
    this.free += count;
    this.held.set(worker, (this.held.get(worker) ?? 0) - count);
  }
}

/**
 * Slots granted at once while uncontended: a quarter of an even share of the limit per worker, so
 * that the workers' kept slots leave most of the limit free for whichever worker needs it.
 */
export function leaseBatch(limit: number, workers: number): number {
  return Math.max(1, Math.floor(limit / (4 * workers)));
}

function key(worker: number, id: number): string {
  return `${worker}:${id}`;
}
