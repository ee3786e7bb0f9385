import type { TooManyRequestsError } from '../errors';
import { drainedWhileQueued, tooManyRequests, type Admission, type Entry, type SlotWaiter } from './admission';

/**
 * Admission in one process (one worker, tests, development mode): a counter, synchronous, with a
 * first-in first-out queue when `queueLimit` > 0. A freed slot passes straight to the oldest
 * waiting request, so while any request waits, no newcomer can take a slot before it.
 */
export class LocalAdmission implements Admission {
  private running = 0;
  /** Waiting requests, oldest first (a Set keeps insertion order and removes in O(1)). */
  private readonly waiting = new Set<SlotWaiter>();

  constructor(
    private readonly serviceName: string,
    readonly limit: number,
    readonly queueLimit = 0,
  ) {}

  enter(waiter: SlotWaiter): Entry {
    if (this.running < this.limit) {
      this.running++;
      return 'admitted';
    }
    if (this.waiting.size < this.queueLimit) {
      this.waiting.add(waiter);
      return 'waiting';
    }
    return 'refused';
  }

  refusal(): TooManyRequestsError {
    return tooManyRequests(this.serviceName, this.limit, this.queueLimit);
  }

  abandon(waiter: SlotWaiter): void {
    this.waiting.delete(waiter);
  }

  leave(): void {
    // Checked first: reading the Set's oldest entry makes an iterator, and this runs per request.
    if (this.waiting.size === 0) {
      this.running--;
      return;
    }
    // The slot changes hands: `running` stays the same.
    const next = this.waiting.values().next().value!;
    this.waiting.delete(next);
    next.slotGranted();
  }

  drain(): void {
    const error = drainedWhileQueued(this.serviceName);
    for (const waiter of [...this.waiting]) {
      this.waiting.delete(waiter);
      waiter.slotRefused(error);
    }
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.size;
  }
}
