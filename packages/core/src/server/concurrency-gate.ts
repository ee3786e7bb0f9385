/**
 * Counts requests running in one worker against `max_concurrency`. A slot is held until the
 * service method settles, not until the response is sent, so a request that timed out still
 * counts while its work is running.
 */
export class ConcurrencyGate {
  private running = 0;

  constructor(readonly limit: number | undefined) {}

  tryEnter(): boolean {
    if (this.limit !== undefined && this.running >= this.limit) return false;
    this.running++;
    return true;
  }

  leave(): void {
    this.running--;
  }

  get inFlight(): number {
    return this.running;
  }
}
