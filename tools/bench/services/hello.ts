// The trivial JSON API the serving benchmark calls through `bento serve`.
import { api, service } from '@bento/core';
import { z } from 'zod';

@service({ name: 'Hello', traffic: { timeout: 10 } })
export class Hello {
  @api({ input: z.object({ name: z.string() }) })
  async hello({ name }: { name: string }) {
    return { hello: name };
  }
}
