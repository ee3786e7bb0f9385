import { spawn } from 'node:child_process';
import path from 'node:path';
import { inspect } from 'node:util';
import { createClient, decodeImage, RemoteError, ServiceServer, ServiceUnavailableError, TimeoutError, type Image } from '@bento/core';
import { createClient as createClientOnly } from '@bento/core/client';
import { Calls, holds } from './fixtures/calls';
import { Describe } from './fixtures/describe';
import { finishStartup, Startup } from './fixtures/startup';
import { Toolbox } from './fixtures/toolbox';
import { makeImage } from './helpers/images';
import { memoryLogger } from './helpers/logger';
import { serveForTest } from './helpers/server';
import { until, unusedUrl } from './helpers/wait';

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

  it('takes what the schema accepts: a field with a default left out, an image as its encoded bytes', async () => {
    const client = createClient<typeof Describe>(describeServer.url);
    const png = await makeImage('png', 8, 5);
    expect(await client.describe({ image: png, params: { prompt: 'a house' } })).toEqual({ width: 8, height: 5, prompt: 'a house' });
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

describe('createClient never crashes its caller', () => {
  it('leaves no unhandled rejection when the service never becomes ready; a call rejects with a 503', async () => {
    // In a child process: an unhandled rejection would end it with code 1 and print the error.
    const testsRoot = path.join(__dirname, '..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/fixtures/unready-client.ts', await unusedUrl()], {
      cwd: testsRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const error = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'ServiceUnavailableError', status: 503, code: 'service_unavailable' });
    expect(error.message).toMatch(/^Service at http:\/\/127\.0\.0\.1:\d+ was not ready within 200 ms \(ECONNREFUSED\)$/);
  });

  it('discovers the routes again after a discovery failed, once the server is up', async () => {
    const url = await unusedUrl();
    const client = createClient<typeof Calls>(url);
    // Nothing listens yet: /docs.json cannot be read, and the call fails.
    await expect(client.greet({ name: 'early' })).rejects.toThrow(ServiceUnavailableError);
    const running = await serveForTest(Calls, { port: Number(new URL(url).port) });
    try {
      // /v1/greet is known only from /docs.json: a discovery kept from the failure would call /greet (404).
      expect(await client.greet({ name: 'late' })).toBe('hello late!');
    } finally {
      await running.close();
    }
  });
});

describe('per-call options', () => {
  let calls: Running;
  beforeAll(async () => {
    calls = await serveForTest(Calls);
  });
  afterAll(() => calls.close());

  it('sends per-call headers over the client\'s own', async () => {
    const client = createClient<typeof Calls>(calls.url, { headers: { 'x-request-id': 'from-client' } });
    await client.greet({ name: 'h' }, { headers: { 'x-request-id': 'from-call' } });
    const line = calls.logs().find((entry) => entry.path === '/v1/greet' && entry.request_id === 'from-call');
    expect(line).toMatchObject({ status: 200 });
  });

  it('rejects an aborted call with the abort reason and closes its request', async () => {
    const client = createClient<typeof Calls>(calls.url);
    const { started, aborted } = holds;
    const controller = new AbortController();
    const call = client.hold({ ms: 30_000 }, { signal: controller.signal });
    await until(() => holds.started > started, 'the call to reach the service');
    const reason = new Error('the user gave up');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    // The service saw its request abandoned: the HTTP request was closed, not just forgotten.
    await until(() => holds.aborted > aborted, 'the service to see the request abandoned');

    // Aborted before it starts: no request at all.
    const before = holds.started;
    const early = new AbortController();
    early.abort();
    const error = await client.hold({ ms: 1 }, { signal: early.signal }).catch((e: unknown) => e);
    expect(error).toBe(early.signal.reason);
    expect((error as Error).name).toBe('AbortError');
    expect(holds.started).toBe(before);
  });

  it('gives up after timeoutMs with a TimeoutError (504) and closes the request', async () => {
    const client = createClient<typeof Calls>(calls.url, { timeoutMs: 60_000 });
    const { aborted } = holds;
    const error = await client.hold({ ms: 30_000 }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ status: 504, code: 'timeout', message: `No answer from ${calls.url}/hold within 300 ms` });
    await until(() => holds.aborted > aborted, 'the service to see the request abandoned');
    // The call's timeout replaced the client's, and a call within it answers.
    expect(await client.hold({ ms: 1 }, { timeoutMs: 5000 })).toEqual({ held: 1, abandoned: false });
  });

  it('is not a thenable, and printing or serializing it makes no call', async () => {
    const client = createClient<typeof Calls>(calls.url);
    // Any request but the APIs' and discovery's (a call named toJSON would be a 404 on /toJSON).
    const stray = () => calls.logs().filter((entry) => entry.msg === 'request' && !['/v1/greet', '/hold', '/docs.json'].includes(entry.path as string));
    const label = `[Client ${calls.url}]`;
    expect(JSON.stringify(client)).toBe(JSON.stringify({ $url: calls.url }));
    expect([String(client), `${client}`, inspect(client)]).toEqual([label, label, label]);
    const loose = client as unknown as Record<string, unknown>;
    expect([loose.toJSON, loose.then, loose.valueOf]).toEqual([undefined, undefined, undefined]);
    expect(await client).toBe(client);
    // A call made after all that is answered; nothing else reached the service.
    expect(await client.greet({ name: 'after' })).toBe('hello after!');
    expect(stray()).toEqual([]);
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
