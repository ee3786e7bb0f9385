import { z } from 'zod';
import { ConfigError } from '../errors';
import { api } from './api';
import { getServiceDefinition } from './definition';
import { service } from './service';

describe('@api batching options', () => {
  it('fills the defaults of a batchable API: batch_dim 0, max_batch_size 100, max_latency_ms 10000, the whole input', () => {
    @service()
    class Batched {
      @api({ input: z.array(z.number()), batchable: true })
      async double(rows: number[]) {
        return rows.map((x) => x * 2);
      }

      @api({ input: z.object({ x: z.array(z.number()), scale: z.number() }), batchable: true, batch_dim: 1, max_batch_size: 8, max_latency_ms: 250, batch_field: 'x' })
      async scale({ x, scale }: { x: number[]; scale: number }) {
        return x.map((v) => v * scale);
      }

      @api()
      async plain() {
        return 1;
      }
    }
    const [double, scale, plain] = getServiceDefinition(Batched).apis;
    expect(double!.batching).toEqual({ batch_dim: 0, max_batch_size: 100, max_latency_ms: 10_000 });
    expect(scale!.batching).toEqual({ batch_dim: 1, max_batch_size: 8, max_latency_ms: 250, batch_field: 'x' });
    expect(plain!.batching).toBeUndefined();
  });

  it.each([
    [{ batchable: 'yes' }, '@api() on m: expected batchable to be true or false but received "yes"'],
    [{ max_batch_size: 4 }, '@api() on m: max_batch_size is a batching option; set batchable: true to batch this API'],
    [{ batchable: true, batch_dim: -1 }, '@api() on m: expected batch_dim to be an integer of at least 0 but received -1'],
    [{ batchable: true, max_batch_size: 0 }, '@api() on m: expected max_batch_size to be an integer of at least 1 but received 0'],
    [{ batchable: true, max_batch_size: 2.5 }, '@api() on m: expected max_batch_size to be an integer of at least 1 but received 2.5'],
    [{ batchable: true, max_latency_ms: 0 }, '@api() on m: expected max_latency_ms to be a number of milliseconds above 0 (at most 2147483647) but received 0'],
    [{ batchable: true, batch_field: '' }, '@api() on m: expected batch_field to be the name of a field of the input but received ""'],
    [{ batchable: true, batch_field: 'y', input: z.object({ x: z.array(z.number()), n: z.number() }) }, '@api() on m: batch_field "y" is not a field of the input schema (its fields: x, n)'],
  ])('refuses %j with a ConfigError that names the option', (options, message) => {
    const decorate = () => {
      class C {
        @api(options as never)
        async m() {}
      }
      return C;
    };
    expect(decorate).toThrow(ConfigError);
    expect(decorate).toThrow(message);
  });

  it('refuses a batchable generator method: a stream has no rows to split', () => {
    const decorate = () => {
      class C {
        @api({ batchable: true })
        async *m() {
          yield 1;
        }
      }
      return C;
    };
    expect(decorate).toThrow('@api() on m: a generator method streams its values and cannot be batchable');
  });
});
