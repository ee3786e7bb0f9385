// Compile-time tests of the batching options of @api (compiled by tsc -p packages/tests, never run).
import { api, service, Tensor, type ApiInput } from '@bento/core';
import { z } from 'zod';

const Scale = z.object({ x: Tensor({ dtype: 'float32', shape: [-1, 2] }), factor: z.number() });
const Rows = z.array(z.number());

@service({ name: 'BatchTyped' })
export class BatchTyped {
  @api({ input: Scale, batchable: true, batch_field: 'x', batch_dim: 0, max_batch_size: 32, max_latency_ms: 500 })
  async scale({ x }: ApiInput<typeof Scale>) {
    return x;
  }

  @api({ input: Rows, batchable: true })
  async double(rows: number[]) {
    return rows.map((r) => r * 2);
  }

  // @ts-expect-error batch_field names a field of the input schema
  @api({ input: Scale, batchable: true, batch_field: 'y' })
  async wrongField({ x }: ApiInput<typeof Scale>) {
    return x;
  }

  // @ts-expect-error an array input is the batch itself: it has no field to name
  @api({ input: Rows, batchable: true, batch_field: 'length' })
  async fieldOfArray(rows: number[]) {
    return rows;
  }
}
