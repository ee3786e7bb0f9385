import { ConfigError } from '../errors';
import { api } from './api';
import { depends, dependencySpecOf } from './depends';
import { DEFAULT_RETRY_POLICY, NO_RETRY_POLICY } from './dependency-retry';
import { getServiceDefinition } from './definition';
import { service } from './service';

@service({ name: 'Target' })
class Target {
  @api()
  async write() {
    return 1;
  }

  @api({ idempotent: true })
  async read() {
    return 2;
  }
}

function errorOf(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('depends() retry options', () => {
  it('default to three tries with 100 ms backoff capped at 2 s; retry: false is one try', () => {
    expect(dependencySpecOf(depends(Target))?.retry).toEqual(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY).toEqual({ attempts: 3, backoffMs: 100, maxBackoffMs: 2000 });
    expect(dependencySpecOf(depends(Target, { retry: false }))?.retry).toEqual(NO_RETRY_POLICY);
    expect(dependencySpecOf(depends(Target, { retry: { attempts: 5 } }))?.retry).toEqual({ attempts: 5, backoffMs: 100, maxBackoffMs: 2000 });
    expect(dependencySpecOf(depends(Target, { retry: { backoff_ms: 5000 } }))?.retry).toEqual({ attempts: 3, backoffMs: 5000, maxBackoffMs: 5000 });
  });

  it('are taken in the object form too, once', () => {
    const spec = dependencySpecOf(depends({ url: 'http://target:3000', on: Target, retry: { attempts: 2, backoff_ms: 10, max_backoff_ms: 20 } }));
    expect(spec).toMatchObject({ name: 'Target', url: 'http://target:3000', retry: { attempts: 2, backoffMs: 10, maxBackoffMs: 20 } });
    expect(errorOf(() => depends({ url: 'http://target:3000', on: Target, retry: false }, { retry: false })).message).toBe(
      'depends({ on: Target }): give retry once, in the object or in the options, not in both',
    );
  });

  it.each([
    [{ attempts: 0 }, 'depends(Target): expected retry.attempts to be a whole number from 1 to 10 but received number 0'],
    [{ attempts: 2.5 }, 'depends(Target): expected retry.attempts to be a whole number from 1 to 10 but received number 2.5'],
    [{ backoff_ms: -1 }, 'depends(Target): expected retry.backoff_ms to be a whole number of milliseconds from 0 to 60000 but received number -1'],
    [{ backoff_ms: 500, max_backoff_ms: 100 }, 'depends(Target): expected retry.max_backoff_ms to be a whole number of milliseconds from backoff_ms (500) to 60000 but received number 100'],
    [{ retries: 3 }, 'depends(Target): unknown retry option "retries"; expected attempts, backoff_ms, max_backoff_ms'],
    [true, 'depends(Target): expected retry to be false or { attempts, backoff_ms, max_backoff_ms } but received boolean true'],
  ])('refuse %j with an error naming the option', (retry, message) => {
    const error = errorOf(() => depends(Target, { retry: retry as never }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(message);
  });

  it('refuse options that are not an object', () => {
    expect(errorOf(() => depends(Target, 3 as never)).message).toBe('Expected an options object ({ retry }) as the second argument of depends() but received number 3');
  });
});

describe('@api({ idempotent })', () => {
  it('is carried in the API definition, false unless given', () => {
    const apis = Object.fromEntries(getServiceDefinition(Target).apis.map((a) => [a.method, a.idempotent]));
    expect(apis).toEqual({ write: false, read: true });
  });

  it('must be a boolean', () => {
    const error = errorOf(() => api({ idempotent: 'yes' as never })(async () => 1, { kind: 'method', name: 'm', static: false } as never));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('@api() on m: expected idempotent to be true or false but received the string "yes"');
  });
});
