import { createClient, decodeImage, RemoteError, ServiceServer, ServiceUnavailableError, type Image } from '@bento/core';
import { createClient as createClientOnly } from '@bento/core/client';
import { Describe } from './fixtures/describe';
import { finishStartup, Startup } from './fixtures/startup';
import { Toolbox } from './fixtures/toolbox';
import { makeImage } from './helpers/images';
import { memoryLogger } from './helpers/logger';
import { serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('createClient', () => {
  let describeServer: Running;
  let toolbox: Running;
  let image: Image;
  beforeAll(async () => {
    [describeServer, toolbox] = await Promise.all([serveForTest(Describe), serveForTest(Toolbox)]);
    image = await decodeImage(await makeImage('jpeg', 21, 13));
  });
  afterAll(() => Promise.all([describeServer.close(), toolbox.close()]));

  it('calls an API with an image and gets the typed result', async () => {
    const client = createClient<typeof Describe>(describeServer.url, { waitForReady: true });
    const result = await client.describe({ image, params: { prompt: 'a house', num_inference_steps: 5 } });
    // Typed: a wrong field would not compile.
    const typed: { width: number; height: number; prompt: string } = result;
    expect(typed).toEqual({ width: 21, height: 13, prompt: 'a house' });
  });

  it('sends an image as a multipart file part', async () => {
    const client = createClient<typeof Toolbox>(`${toolbox.url}/`, { waitForReady: 5000, headers: { 'x-request-id': 'client-call-1' } });
    const result = await client.inspect({ image, label: 'hello' });
    expect(result.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(result).toMatchObject({ width: 21, height: 13, channels: 3, label: 'hello', requestId: 'client-call-1' });
  });

  it('gets an Image result back as an Image', async () => {
    const client = createClient<typeof Toolbox>(toolbox.url);
    const inverted = await client.invert({ image });
    expect([inverted.width, inverted.height, inverted.channels]).toEqual([21, 13, 3]);
    expect(inverted.data[0]).toBe(255 - image.data[0]!);
  });

  it('sends and gets tensors', async () => {
    const client = createClient<typeof Toolbox>(toolbox.url);
    const summed = await client.sum({ x: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4.5]) } });
    expect(summed).toEqual({ shape: [2, 2], sum: 10.5 });
    const doubled = await client.double({ x: { dtype: 'int32', shape: [1, 3], data: new Int32Array([1, 2, 3]) } });
    expect(doubled.shape).toEqual([1, 3]);
    expect(Array.from(doubled.data)).toEqual([2, 4, 6]);
  });

  it('rebuilds a server error as a RemoteError with status, code and message', async () => {
    const client = createClient<typeof Describe>(describeServer.url);
    const error = await client.describe({ image, params: { prompt: '', num_inference_steps: 5 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    const remote = error as RemoteError;
    expect(remote.status).toBe(400);
    expect(remote.code).toBe('validation_error');
    expect(remote.message).toMatch(/^Invalid input: params\.prompt: /);
    expect(remote.details).toEqual([expect.objectContaining({ path: 'params.prompt' })]);
    expect(remote.url).toBe(`${describeServer.url}/describe`);
    expect(remote.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const failed = await createClient<typeof Toolbox>(toolbox.url).fail().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RemoteError);
    expect([(failed as RemoteError).status, (failed as RemoteError).code, (failed as RemoteError).message]).toEqual([500, 'internal_error', 'Internal server error']);
  });

  it('has the service methods\' types (checked by tsc -p packages/tests)', () => {
    const client = createClient<typeof Describe>('http://127.0.0.1:1');
    const wrongCalls = () => {
      // @ts-expect-error prompt must be a string
      void client.describe({ image, params: { prompt: 1, num_inference_steps: 1 } });
      // @ts-expect-error no such API
      void client.generate({});
      // @ts-expect-error lifecycle hooks are not APIs
      void createClient<typeof Startup>('http://127.0.0.1:1').onStartup();
    };
    expect(typeof wrongCalls).toBe('function');
  });

  it('is also exported from @bento/core/client', async () => {
    const client = createClientOnly<typeof Toolbox>(toolbox.url);
    expect(await client.shout({ text: 'hi' })).toEqual({ text: 'HI' });
    expect(client.$url).toBe(toolbox.url);
  });

  it('says which URL it cannot reach', async () => {
    const closed = await serveForTest(Toolbox);
    const url = closed.url;
    await closed.close();
    const error = await createClient<typeof Toolbox>(url).shout({ text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain(`Cannot reach ${url}/shout`);
    await expect(createClient<typeof Toolbox>(url).$ready(300)).rejects.toThrow(`Service at ${url} was not ready within 300 ms`);
  });
});

describe('onStartup', () => {
  it('runs before /readyz answers 200, while /livez already does', async () => {
    const { logger } = memoryLogger();
    const server = new ServiceServer(Startup, { logger, drainSeconds: 1 });
    const listening = server.listen({ port: 0, host: '127.0.0.1' });
    try {
      while (!server.http.address()) await new Promise((r) => setTimeout(r, 5));
      const url = server.url;
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.text()).toBe('not ready: starting');
      // API calls wait for the model: 503 with Retry-After, the method does not run.
      const early = await fetch(`${url}/status`, { method: 'POST' });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
      expect(((await early.json()) as { error: { message: string } }).error.message).toBe('Service Startup is starting: its onStartup has not finished');

      const client = createClient<typeof Startup>(url, { waitForReady: true });
      const call = client.status();
      await new Promise((r) => setTimeout(r, 150));
      finishStartup();
      await listening;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      // The client waited for /readyz, so the hook had run before its call.
      expect(await call).toEqual({ loaded: true });
    } finally {
      finishStartup();
      await listening;
      await server.close();
    }
  });
});
