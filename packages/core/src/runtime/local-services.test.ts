import { z } from 'zod';
import { ValidationError } from '../errors';
import { api } from '../sdk/api';
import { depends, setDependencyResolver } from '../sdk/depends';
import { service } from '../sdk/service';
import { createDependencyResolver } from './dependency-resolver';
import { LocalServices } from './local-services';

describe('in-process dependencies', () => {
  let constructed = 0;

  @service({ name: 'Counter' })
  class Counter {
    constructor() {
      constructed++;
    }
    @api({ input: z.object({ x: z.number(), step: z.number().default(1) }) })
    async inc({ x, step }: { x: number; step: number }) {
      return x + step;
    }
  }
  @service({ name: 'Left' })
  class Left {
    counter = depends(Counter);
    @api({ input: z.object({ x: z.number() }) })
    async run({ x }: { x: number }) {
      return this.counter.inc({ x, step: 10 });
    }
  }
  @service({ name: 'Right' })
  class Right {
    counter = depends(Counter);
    @api({ input: z.object({ x: z.number() }) })
    async run({ x }: { x: number }) {
      return this.counter.inc({ x } as never);
    }
  }
  @service({ name: 'Top' })
  class Top {
    left = depends(Left);
    right = depends(Right);
    @api({ input: z.object({ x: z.number() }) })
    async both({ x }: { x: number }) {
      return [await this.left.run({ x }), await this.right.run({ x })];
    }
  }

  const local = new LocalServices();
  beforeAll(() => setDependencyResolver(createDependencyResolver({ serviceMap: {}, local })));
  afterAll(async () => {
    setDependencyResolver(undefined);
    await local.shutdown();
  });

  it('calls through a diamond with one shared instance and the callee schema defaults', async () => {
    const top = local.target(Top);
    constructed = 0;
    await expect(top.call('both', { x: 1 })).resolves.toEqual([11, 2]);
    await expect(top.call('both', { x: 5 })).resolves.toEqual([15, 6]);
    expect(constructed).toBe(1);
  });

  it('validates input against the callee schema', async () => {
    await expect(local.target(Counter).call('inc', { x: 'one' })).rejects.toBeInstanceOf(ValidationError);
  });
});
