import type { TooManyRequestsError } from '../errors';
import { drainedWhileQueued, tooManyRequests, type Admission, type Entry, type SlotWaiter } from './admission';
import { ACQUIRE, CANCEL, GRANT, isPrimaryMessage, RECALL, REFUSE, RELEASE, UNCONTENDED, type PrimaryMessage, type WorkerMessage } from './admission-protocol';

/** How a worker talks to its pool's primary (the IPC channel; in tests, anything that delivers in order). */
export interface AdmissionChannel {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: PrimaryMessage) => void): void;
}

/** The IPC channel of a cluster worker. A send that fails means the worker is stopping: nothing to do then. */
export function processChannel(): AdmissionChannel {
  return {
    send: (message) => process.send?.(message, undefined, {}, () => {}),
    onMessage: (listener) =>
      process.on('message', (message: unknown) => {
        if (isPrimaryMessage(message)) listener(message);
      }),
  };
}

/**
 * Admission in a worker of `bento serve`'s worker pool: the primary counts the service's slots
 * (admission-protocol.ts). A request runs at once on a slot this worker leased before; otherwise
 * it waits for the primary's answer — one IPC round trip, only when this worker's lease is used up.
 */
export class PoolAdmission implements Admission {
  private running = 0;
  /** Slots the primary granted this worker: those running plus those kept for the next requests. */
  private leased = 0;
  /** While the primary is contended, a freed slot goes back to it instead of staying here. */
  private contended = false;
  private nextId = 0;
  /** Requests waiting for the primary's answer, by the id their ACQUIRE carried. */
  private readonly asks = new Map<number, SlotWaiter>();
  private readonly idOf = new Map<SlotWaiter, number>();

  constructor(
    private readonly serviceName: string,
    readonly limit: number,
    readonly queueLimit: number,
    private readonly channel: AdmissionChannel,
  ) {
    channel.onMessage((message) => this.onMessage(message));
  }

  enter(waiter: SlotWaiter): Entry {
    if (this.running < this.leased) {
      this.running++;
      return 'admitted';
    }
    const id = this.nextId++;
    this.asks.set(id, waiter);
    this.idOf.set(waiter, id);
    this.channel.send({ type: ACQUIRE, id });
    return 'waiting';
  }

  refusal(): TooManyRequestsError {
    return tooManyRequests(this.serviceName, this.limit, this.queueLimit);
  }

  abandon(waiter: SlotWaiter): void {
    const id = this.idOf.get(waiter);
    if (id === undefined) return;
    this.forget(id, waiter);
    // A grant already on its way comes back as an unused slot (see onMessage).
    this.channel.send({ type: CANCEL, id });
  }

  leave(): void {
    this.running--;
    this.handBackUnused();
  }

  drain(): void {
    const error = drainedWhileQueued(this.serviceName);
    for (const waiter of [...this.asks.values()]) {
      this.abandon(waiter);
      waiter.slotRefused(error);
    }
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.asks.size;
  }

  private onMessage(message: PrimaryMessage): void {
    switch (message.type) {
      case GRANT: {
        this.leased += message.slots;
        this.contended = message.contended;
        const waiter = this.asks.get(message.id);
        if (waiter) {
          this.forget(message.id, waiter);
          this.running++;
        }
        this.handBackUnused();
        waiter?.slotGranted();
        return;
      }
      case REFUSE: {
        const waiter = this.asks.get(message.id);
        if (!waiter) return;
        this.forget(message.id, waiter);
        waiter.slotRefused(this.refusal());
        return;
      }
      case RECALL: {
        this.contended = true;
        const unused = this.leased - this.running;
        this.leased = this.running;
        // Answered even with nothing to return: the primary decides once every worker answered.
        this.channel.send({ type: RELEASE, count: unused, recall: message.recall });
        return;
      }
      case UNCONTENDED:
        this.contended = false;
        return;
    }
  }

  /** While contended, slots not running go back to the primary at once. */
  private handBackUnused(): void {
    if (!this.contended || this.leased === this.running) return;
    const unused = this.leased - this.running;
    this.leased = this.running;
    this.channel.send({ type: RELEASE, count: unused });
  }

  private forget(id: number, waiter: SlotWaiter): void {
    this.asks.delete(id);
    this.idOf.delete(waiter);
  }
}
