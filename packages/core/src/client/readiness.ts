import { ServiceUnavailableError } from '../errors';
import { settleOrAbort } from '../wire/call-signal';

const POLL_INTERVAL_MS = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One look at a service's readiness: undefined when it is ready, else what was seen instead. */
export type ReadinessProbe = (timeoutMs: number) => Promise<string | undefined>;

/** How a wait for readiness ended: ready, or not, with the last thing the probe saw. */
export type ReadinessOutcome = { ready: true } | { ready: false; last: string; exited: boolean };

/**
 * Polls `probe` until it says ready, for at most `timeoutMs`, or until `isAlive()` turns false (the
 * process that should become ready is gone). The one readiness loop: the client polls a URL with
 * it, `bento serve` its services over their sockets.
 */
export async function pollUntilReady(probe: ReadinessProbe, timeoutMs: number, isAlive: () => boolean = () => true): Promise<ReadinessOutcome> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && isAlive()) {
    try {
      // A server that accepts the connection but never answers must not outlast the deadline.
      const problem = await probe(Math.max(1, deadline - Date.now()));
      if (problem === undefined) return { ready: true };
      last = problem;
    } catch (error) {
      last = (error as { cause?: { code?: string } }).cause?.code ?? (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    await sleep(Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())));
  }
  return { ready: false, last, exited: !isAlive() };
}

/** GETs `<baseUrl>/readyz` over HTTP: undefined when it answers 200. */
function fetchReadiness(baseUrl: string): ReadinessProbe {
  return async (timeoutMs) => {
    const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok ? undefined : `status ${response.status}`;
  };
}

/**
 * Polls `<baseUrl>/readyz` until it answers 200; rejects with a `ServiceUnavailableError` (503)
 * after `timeoutMs`, saying what the last attempt got.
 */
export async function waitForReady(baseUrl: string, timeoutMs: number): Promise<void> {
  const outcome = await pollUntilReady(fetchReadiness(baseUrl), timeoutMs);
  if (!outcome.ready) throw new ServiceUnavailableError(`Service at ${baseUrl} was not ready within ${timeoutMs} ms (${outcome.last})`, { url: baseUrl });
}

/**
 * The `waitForReady` option of a client: the first call waits for /readyz, later calls do not.
 * The wait starts with a call, never at construction, so a client that is never called leaves
 * nothing behind (no timer, no promise that could reject unhandled). A wait that fails rejects the
 * calls waiting on it; the next call waits again.
 */
export class ReadinessGate {
  private ready = false;
  private pending?: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    /** Undefined: the client does not wait for readiness. */
    private readonly timeoutMs: number | undefined,
  ) {}

  /** Resolves once the service was seen ready; the caller's signal stops its waiting, not the wait. */
  passed(signal?: AbortSignal): Promise<void> {
    if (this.ready || this.timeoutMs === undefined) return Promise.resolve();
    return settleOrAbort(this.pending ?? this.start(this.timeoutMs), signal);
  }

  /** Waits for /readyz now (`$ready()`); a success lets later calls through without waiting. */
  check(timeoutMs: number): Promise<void> {
    return this.start(timeoutMs);
  }

  private start(timeoutMs: number): Promise<void> {
    const wait = waitForReady(this.baseUrl, timeoutMs);
    this.pending = wait;
    wait.then(
      () => {
        this.ready = true;
      },
      () => {
        if (this.pending === wait) this.pending = undefined;
      },
    );
    return wait;
  }
}
