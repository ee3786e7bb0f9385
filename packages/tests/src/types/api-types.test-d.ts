// Compile-time tests of the types users see: `npm run typecheck` compiles this file (tsc -p
// packages/tests) and fails on an error that is not expected, or on an `@ts-expect-error` line that
// has none. It is never run.
import { api, createClient, depends, Image, service, ServiceServer, Tensor, type ApiContext, type ApiInput, type ApiOptions, type ImageInput, type TensorInput } from '@bento/core';
import { z } from 'zod';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const Params = z.object({ prompt: z.string().min(1), steps: z.number().int().default(25) });
const DescribeInput = z.object({ image: Image(), params: Params });
const SumInput = z.object({ x: Tensor({ dtype: 'float32' }) });
// Options built elsewhere, typed only as ApiOptions: the schema is not known, so nothing is checked.
const looseOptions: ApiOptions = { input: z.object({ a: z.string() }), doc: 'loose' };

@service({ name: 'Typed' })
class Typed {
  @api({ input: DescribeInput })
  async describe({ image, params }: ApiInput<typeof DescribeInput>, ctx: ApiContext) {
    // The method gets the parsed values: the default filled in, the image decoded.
    expectType<Equal<typeof params.steps, number>>();
    return { width: image.width, steps: params.steps, id: ctx.requestId };
  }

  @api({ input: Params })
  async byHand({ prompt, steps }: { prompt: string; steps: number }) {
    return `${prompt}:${steps}`;
  }

  @api({ input: SumInput })
  async sum({ x }: ApiInput<typeof SumInput>): Promise<Tensor<'float32'>> {
    return x;
  }

  @api()
  async anything(input: { when: Date; tags: string[] }) {
    return input.tags.length;
  }

  @api(looseOptions)
  async loose(input: { anything: boolean }) {
    return input.anything;
  }

  @api()
  async none() {
    return 'none';
  }

  // @ts-expect-error the parameter's n is a string, the schema's a number
  @api({ input: z.object({ n: z.number() }) })
  async mismatched({ n }: { n: string }) {
    return n;
  }

  // @ts-expect-error the parameter needs a field the schema does not have
  @api({ input: z.object({ a: z.string() }) })
  async missingInSchema({ a, b }: { a: string; b: string }) {
    return a + b;
  }

  // @ts-expect-error the second parameter is the call's ApiContext
  @api({ input: z.object({ a: z.string() }) })
  async wrongContext({ a }: { a: string }, ctx: string) {
    return a + ctx;
  }
}

@service({ name: 'Caller' })
class Caller {
  typed = depends(Typed);
  // Retry options keep the dependency's types; unknown options and `retry: true` do not compile.
  retried = depends(Typed, { retry: { attempts: 5, backoff_ms: 50 } });
  external = depends({ url: 'http://typed:3000', on: Typed, retry: false });
  // @ts-expect-error retry options are attempts, backoff_ms, max_backoff_ms
  misspelt = depends(Typed, { retry: { retries: 5 } });
  // @ts-expect-error retry is an options object or false
  always = depends(Typed, { retry: true });

  @api()
  async run(_input: unknown, ctx: ApiContext) {
    // depends(): the schema's input type, defaults optional; only { signal } as call options.
    const described = await this.typed.describe({ image: 'data:image/png;base64,AAAA', params: { prompt: 'p' } }, { signal: ctx.signal });
    // @ts-expect-error prompt must be a string
    await this.typed.describe({ image: new Uint8Array(), params: { prompt: 1 } });
    // @ts-expect-error depends() calls take { signal } only: headers are a client option
    await this.typed.none(undefined, { headers: { a: 'b' } });
    expectType<Equal<typeof this.retried, typeof this.typed>>();
    expectType<Equal<typeof this.external, typeof this.typed>>();
    return described.steps;
  }
}

const client = createClient<typeof Typed>('http://127.0.0.1:1');
type DescribeCall = Parameters<typeof client.describe>;

// The client's input is the schema's z.input: the default optional, the image whatever callers may send.
expectType<Equal<DescribeCall[0], { image: ImageInput; params: { prompt: string; steps?: number | undefined } }>>();
expectType<Equal<Parameters<typeof client.sum>[0], { x: TensorInput<'float32'> }>>();
// A parameter typed by hand is what callers pass, defaults or not.
expectType<Equal<Parameters<typeof client.byHand>[0], { prompt: string; steps: number }>>();
expectType<Equal<Parameters<typeof client.anything>[0], { when: Date; tags: string[] }>>();
// Results are the method's, awaited: an Image stays an Image, a Tensor a Tensor.
expectType<Equal<Awaited<ReturnType<typeof client.describe>>, { width: number; steps: number; id: string }>>();
expectType<Equal<Awaited<ReturnType<typeof client.sum>>, Tensor<'float32'>>>();

export async function calls(image: Image, signal: AbortSignal) {
  await client.describe({ image, params: { prompt: 'a house' } }, { signal, headers: { 'x-request-id': 'r1' }, timeoutMs: 1000 });
  await client.none();
  await client.none(undefined, { timeoutMs: 5 });
  // @ts-expect-error a wrong field type
  await client.describe({ image, params: { prompt: 'a house', steps: 'many' } });
  // @ts-expect-error a missing required field (image)
  await client.describe({ params: { prompt: 'a house' } });
  // @ts-expect-error a field the hand-typed parameter requires (steps has no default there)
  await client.byHand({ prompt: 'x' });
  // @ts-expect-error an API without input takes none
  await client.none({ text: 'x' });
  // @ts-expect-error no such API
  await client.generate({});
  // @ts-expect-error timeoutMs is a number of milliseconds
  await client.none(undefined, { timeoutMs: '5s' });
}

// A ServiceServer's express app is an implementation detail: not in the public types.
export function noExpress(server: ServiceServer) {
  // @ts-expect-error private
  return server.app;
}
