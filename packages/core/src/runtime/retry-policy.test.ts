import { RemoteError, ServiceUnavailableError } from '../errors';
import { DEFAULT_RETRY_POLICY } from '../sdk/dependency-retry';
import { backoffMs, FailedAttempt, statusFailure, withRetries, type RetryContext } from './retry-policy';

function remote(status: number, notStarted = false, details?: unknown): RemoteError {
  return new RemoteError({ status, code: 'x', message: `HTTP ${status}`, url: 'http://s', notStarted, details });
}

const context = (overrides: Partial<RetryContext> = {}): RetryContext => ({
  dependency: 'S',
  method: 'm',
  policy: { attempts: 4, backoffMs: 1, maxBackoffMs: 2 },
  idempotent: false,
  deadline: undefined,
  ...overrides,
});

/** Runs `withRetries` with tries failing as `failures` says (then succeeding); the tries made and the outcome. */
async function run(failures: FailedAttempt[], overrides: Partial<RetryContext> = {}) {
  let tries = 0;
  const outcome = await withRetries(context(overrides), async () => {
    const failure = failures[tries++];
    if (failure) throw failure;
    return 'ok';
  }).catch((error: unknown) => error);
  return { tries, outcome };
}

describe('the retry policy', () => {
  it('sorts answers: not-started 503/429 are safe, 502/503/504 only if idempotent, the rest never', () => {
    expect(statusFailure(remote(503, true)).safety).toBe('safe');
    expect(statusFailure(remote(429, true, { retry_after_seconds: 2 }))).toMatchObject({ safety: 'safe', retryAfterMs: 2000 });
    expect(statusFailure(remote(503)).safety).toBe('if-idempotent');
    expect(statusFailure(remote(502)).safety).toBe('if-idempotent');
    expect(statusFailure(remote(504)).safety).toBe('if-idempotent');
    expect(statusFailure(remote(500)).safety).toBe('never');
    expect(statusFailure(remote(429)).safety).toBe('never');
    expect(statusFailure(remote(400, true)).safety).toBe('never');
  });

  it('backs off with full jitter: up to base·2^(n−1), never over the cap', () => {
    const policy = { attempts: 10, backoffMs: 100, maxBackoffMs: 1000 };
    for (let i = 0; i < 200; i++) {
      expect(backoffMs(policy, 1)).toBeLessThan(100);
      expect(backoffMs(policy, 3)).toBeLessThan(400);
      expect(backoffMs(policy, 8)).toBeLessThan(1000);
      expect(backoffMs(policy, 1)).toBeGreaterThanOrEqual(0);
    }
  });

  it('retries safe failures up to its attempts, and gives the last error', async () => {
    const unavailable = (n: number) => new FailedAttempt(new ServiceUnavailableError(`down ${n}`), 'safe');
    expect(await run([unavailable(1), unavailable(2)])).toEqual({ tries: 3, outcome: 'ok' });
    const { tries, outcome } = await run([1, 2, 3, 4, 5].map(unavailable));
    expect(tries).toBe(4);
    expect((outcome as Error).message).toBe('down 4');
  });

  it('retries a failure that may have run only for an idempotent API, and never a final one', async () => {
    const maybe = new FailedAttempt(new ServiceUnavailableError('cut'), 'if-idempotent');
    expect(await run([maybe])).toMatchObject({ tries: 1, outcome: { message: 'cut' } });
    expect(await run([maybe], { idempotent: true })).toEqual({ tries: 2, outcome: 'ok' });
    expect(await run([new FailedAttempt(new Error('bad'), 'never')], { idempotent: true })).toMatchObject({ tries: 1, outcome: { message: 'bad' } });
    expect(await run([maybe], { idempotent: true, policy: { ...DEFAULT_RETRY_POLICY, attempts: 1 } })).toMatchObject({ tries: 1 });
  });

  it('does not sleep past the deadline: a Retry-After longer than the time left ends the call', async () => {
    const full = new FailedAttempt(remote(429, true), 'safe', 60_000);
    expect(await run([full], { deadline: performance.now() + 10_000 })).toMatchObject({ tries: 1, outcome: { status: 429 } });
  });

  it("stops its backoff when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const slow = { attempts: 3, backoffMs: 60_000, maxBackoffMs: 60_000 };
    let tries = 0;
    const call = withRetries(context({ policy: slow, signal: controller.signal }), async () => {
      tries++;
      throw new FailedAttempt(new ServiceUnavailableError('down'), 'safe');
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('caller left'));
    await expect(call).rejects.toThrow('caller left');
    expect(tries).toBe(1);
  });
});
