// The graph the hop benchmark calls: Front → Back, Back in its own process on a Unix socket.
import { api, depends, service, Tensor } from '@bento/core';
import { z } from 'zod';

@service({ name: 'Back', traffic: { timeout: 10 } })
export class Back {
  @api({ input: z.object({ name: z.string() }) })
  async hello({ name }: { name: string }) {
    return { hello: name };
  }

  @api({ input: z.object({ bytes: Tensor({ dtype: 'uint8', shape: [-1] }) }) })
  async echo({ bytes }: { bytes: Tensor<'uint8'> }) {
    return bytes;
  }
}

@service({ name: 'Front', traffic: { timeout: 10 } })
export class Front {
  back = depends(Back);

  @api({ input: z.object({ name: z.string() }) })
  async hello({ name }: { name: string }) {
    return this.back.hello({ name });
  }

  /** The same answer without the hop: what the hop adds is hello − helloHere. */
  @api({ input: z.object({ name: z.string() }) })
  async helloHere({ name }: { name: string }) {
    return { hello: name };
  }

  @api({ input: z.object({ bytes: Tensor({ dtype: 'uint8', shape: [-1] }) }) })
  async echoHere({ bytes }: { bytes: Tensor<'uint8'> }) {
    return bytes;
  }

  @api({ input: z.object({ bytes: Tensor({ dtype: 'uint8', shape: [-1] }) }) })
  async echo({ bytes }: { bytes: Tensor<'uint8'> }) {
    return this.back.echo({ bytes });
  }
}
