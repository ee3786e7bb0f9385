import { inspect } from 'node:util';
import { createDependencyResolver } from '../runtime/dependency-resolver';
import { LocalServices } from '../runtime/local-services';
import type { ApiContext } from './api-context';
import { api } from './api';
import { depends, setDependencyResolver } from './depends';
import { service } from './service';

describe('a depends() proxy', () => {
  const seen = { calls: 0, signals: [] as AbortSignal[] };

  @service({ name: 'Callee' })
  class Callee {
    @api()
    async ping() {
      seen.calls++;
      return 'pong';
    }

    /** Waits until its ctx.signal aborts. */
    @api()
    async waitForAbort(_input: unknown, ctx: ApiContext) {
      seen.calls++;
      seen.signals.push(ctx.signal);
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'aborted';
    }
  }

  beforeAll(() => setDependencyResolver(createDependencyResolver({ serviceMap: {}, local: new LocalServices() })));
  afterAll(() => setDependencyResolver(undefined));

  it("exposes only the callee's API names; printing, serializing or awaiting it makes no call", async () => {
    const dep = depends(Callee);
    const label = '[Dependency Callee]';
    expect(JSON.stringify(dep)).toBe('{}');
    expect([String(dep), `${dep}`, inspect(dep)]).toEqual([label, label, label]);
    const loose = dep as unknown as Record<string, unknown>;
    expect([loose.toJSON, loose.then, loose.valueOf, loose.nope]).toEqual([undefined, undefined, undefined, undefined]);
    expect(['ping' in dep, 'waitForAbort' in dep, 'nope' in dep, 'toString' in dep]).toEqual([true, true, false, false]);
    expect(dep.ping).toBe(dep.ping);
    expect(await dep).toBe(dep);
    expect(seen.calls).toBe(0);
    // The same proxy does call its APIs.
    expect(await dep.ping()).toBe('pong');
    expect(seen.calls).toBe(1);
  });

  it('hands an in-process call its signal as ctx.signal, and rejects with the reason when it aborts', async () => {
    const dep = depends(Callee);
    const controller = new AbortController();
    const call = dep.waitForAbort(undefined, { signal: controller.signal });
    while (seen.signals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen.signals[0]).toBe(controller.signal);
    const reason = new Error('caller gone');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it('makes no call with a signal that has already aborted', async () => {
    const dep = depends(Callee);
    const before = seen.calls;
    const reason = new Error('too late');
    await expect(dep.ping(undefined, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(seen.calls).toBe(before);
  });

  it('refuses call options that are not an object, naming the call', async () => {
    const dep = depends(Callee);
    await expect(dep.ping(undefined, 'fast' as never)).rejects.toThrow(
      'Expected call options ({ signal, ... }) as the second argument of Callee.ping() but received the string "fast"',
    );
    await expect(dep.ping(undefined, { signal: 1 } as never)).rejects.toThrow(
      'Expected an AbortSignal for the signal option of Callee.ping() but received number 1',
    );
  });
});
