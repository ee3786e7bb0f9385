import { z } from 'zod';
import { ValidationError } from '../errors';
import { Tensor } from '../sdk/tensor';
import { invalidInputError, SchemaRunner } from './schema-runner';

function nestedDeep(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('SchemaRunner', () => {
  it('parses a synchronous schema synchronously, and answers bad input with the 400 from toError', () => {
    const runner = new SchemaRunner(z.object({ n: z.number() }));
    expect(runner.parse({ n: 1 }, invalidInputError)).toEqual({ n: 1 });
    expect(() => runner.parse({ n: 'one' }, invalidInputError)).toThrow(ValidationError);
  });

  it('switches to async parsing when zod says the schema is async, and stays there', async () => {
    const runner = new SchemaRunner(z.object({ n: z.number().refine(async (n) => n > 0) }));
    const first = runner.parse({ n: 1 }, invalidInputError);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toEqual({ n: 1 });
    const refused = runner.parse({ n: -1 }, invalidInputError);
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toThrow(ValidationError);
  });

  it('recognises the async error of another copy of zod (its ESM build has its own class) by its name', async () => {
    // The same class as zod's, defined again, as a second copy of zod would define it.
    class $ZodAsyncError extends Error {
      constructor() {
        super('Encountered Promise during synchronous parse. Use .parseAsync() instead.');
      }
    }
    let parses = 0;
    const runner = new SchemaRunner(
      z.number().refine(() => {
        if (parses++ === 0) throw new $ZodAsyncError();
        return true;
      }),
    );
    const parsed = runner.parse(1, invalidInputError);
    expect(parsed).toBeInstanceOf(Promise);
    await expect(parsed).resolves.toBe(1);
  });

  it('lets an error a refinement throws propagate, and keeps the schema synchronous afterwards', () => {
    const runner = new SchemaRunner(
      z.object({
        n: z.number().refine((n) => {
          if (n === 13) throw new TypeError('unlucky');
          return true;
        }),
      }),
    );
    expect(() => runner.parse({ n: 13 }, invalidInputError)).toThrow(new TypeError('unlucky'));
    const later = runner.parse({ n: 1 }, invalidInputError);
    expect(later).not.toBeInstanceOf(Promise);
    expect(later).toEqual({ n: 1 });
  });

  it('lets a stack overflow from deep input in a recursive schema propagate, and stays synchronous', () => {
    type Tree = Tree[];
    const tree: z.ZodType<Tree> = z.lazy(() => z.array(tree));
    const runner = new SchemaRunner(tree);
    expect(() => runner.parse(nestedDeep(100_000), invalidInputError)).toThrow(RangeError);
    expect(runner.parse([[], [[]]], invalidInputError)).toEqual([[], [[]]]);
  });

  it('answers a tensor nested 100,000 deep with a synchronous 400 naming the problem, and stays synchronous', () => {
    const runner = new SchemaRunner(z.object({ x: Tensor({ dtype: 'float32' }) }));
    let thrown: unknown;
    try {
      runner.parse({ x: nestedDeep(100_000) }, invalidInputError);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe(
      'Invalid input: x: Expected a float32 tensor: nested arrays have more than 32 dimensions (at most 32 are supported)',
    );
    expect((thrown as ValidationError).status).toBe(400);
    const later = runner.parse({ x: [[1, 2]] }, invalidInputError);
    expect(later).not.toBeInstanceOf(Promise);
    expect((later as { x: Tensor }).x.shape).toEqual([1, 2]);
  });
});
