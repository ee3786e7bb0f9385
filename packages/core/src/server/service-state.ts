import type { ServerResponse } from 'node:http';

/** Where a served service is in its life. API calls run only while it is `ready`. */
export type ServicePhase = 'starting' | 'ready' | 'failed' | 'closing';

/**
 * What the server's lifecycle knows about requests: the phase, and how many API responses are
 * still on their way. A response counts from the request's arrival until it has been written out
 * (or its connection closed), not until the method returned: encoding and sending a large image
 * takes time after that, and drain must not cut it off.
 */
export class ServiceState {
  phase: ServicePhase = 'starting';
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  // One listener shared by every response, so tracking allocates no closure per request.
  private readonly onResponseClosed = (): void => {
    if (--this.inFlight <= 0) this.wakeIdleWaiters();
  };

  get acceptsCalls(): boolean {
    return this.phase === 'ready';
  }

  /** Counts `res` until it emits 'close' (Node emits it once: after 'finish', or when the connection dies). */
  track(res: ServerResponse): void {
    this.inFlight++;
    res.on('close', this.onResponseClosed);
  }

  get responsesInFlight(): number {
    return this.inFlight;
  }

  /** Resolves `true` once no response is in flight, or `false` when `timeoutMs` passed first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
