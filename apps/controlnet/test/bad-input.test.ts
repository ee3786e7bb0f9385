/**
 * Bad input over HTTP, each service in its own process: a 4xx naming the part or field, the
 * service still answers a good request afterwards, and nothing is left running in
 * SDXLControlNetService (its /metrics: no internal call in flight, and only good requests reached it).
 */
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from '../src';
import { bombPng, discPng, greyPng } from './support/images';
import { generate, sdxlCalls } from './support/http';
import { killStragglers, removeDemoModel, serveApp, tempDemoModel, type ServedApp } from './support/serve-app';

const GOOD = { prompt: 'a red house', seed: 3, num_inference_steps: 1 };

interface Case {
  what: string;
  image: () => Promise<Buffer | undefined> | Buffer | undefined;
  params: Record<string, unknown> | string;
  code: string;
  /** The part or field the error names (its `details` path). */
  path: string;
  message: RegExp;
}

const CASES: Case[] = [
  { what: 'a file that is not an image', image: () => Buffer.from('just some text, not a picture\n'), params: GOOD, code: 'validation_error', path: 'image', message: /Expected a PNG, JPEG or WebP image but the bytes could not be decoded/ },
  { what: 'an image over the pixel limit', image: () => greyPng(2100, 2100), params: GOOD, code: 'validation_error', path: 'image', message: new RegExp(`at most ${MAX_INPUT_PIXELS} pixels but its header declares 2100×2100`) },
  // Under 1 KB, 10.8 GB decoded: refused from its header, never decoded.
  { what: 'a decompression bomb (60000×60000 declared)', image: () => bombPng(60000, 60000), params: GOOD, code: 'validation_error', path: 'image', message: /its header declares 60000×60000/ },
  { what: 'an image too small to generate from', image: () => greyPng(40, 100), params: GOOD, code: 'validation_error', path: 'image', message: /sides are 64 to 2055 pixels but received 40×100/ },
  { what: 'no image', image: () => undefined, params: GOOD, code: 'validation_error', path: 'image', message: /Expected an image/ },
  { what: 'params that are not JSON', image: () => discPng(64, 64), params: 'prompt=a red house', code: 'bad_request', path: 'params', message: /Multipart field "params" is not valid JSON/ },
  { what: 'params without a prompt', image: () => discPng(64, 64), params: { num_inference_steps: 2 }, code: 'validation_error', path: 'params.prompt', message: /expected string/ },
  { what: 'steps of the wrong type', image: () => discPng(64, 64), params: { ...GOOD, num_inference_steps: 'many' }, code: 'validation_error', path: 'params.num_inference_steps', message: /expected number/ },
  { what: 'too many steps (SDXL takes 1 to 150)', image: () => discPng(64, 64), params: { ...GOOD, num_inference_steps: 151 }, code: 'validation_error', path: 'params.num_inference_steps', message: /<=150/ },
  { what: 'no steps', image: () => discPng(64, 64), params: { ...GOOD, num_inference_steps: 0 }, code: 'validation_error', path: 'params.num_inference_steps', message: />=1/ },
  { what: 'a misspelt option', image: () => discPng(64, 64), params: { ...GOOD, num_steps: 2 }, code: 'validation_error', path: 'params', message: /Unrecognized key: "num_steps"/ },
];

describe('ControlNet refuses bad input and keeps serving', () => {
  let modelDir: string;
  let app: ServedApp;
  let good: Buffer;
  /** Good requests answered so far: the only ones SDXLControlNetService may have seen. */
  let goodCalls = 0;

  beforeAll(async () => {
    modelDir = tempDemoModel();
    good = await discPng(64, 64);
    app = await serveApp(modelDir, 'production');
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    killStragglers();
    removeDemoModel(modelDir);
  });

  it.each(CASES.map((c) => [c.what, c] as const))('refuses %s naming it, then answers a good request', async (_what, c) => {
    const bad = await generate(app.url, await c.image(), c.params);
    expect(bad.status).toBe(400);
    expect(bad.json?.error.code).toBe(c.code);
    const details = bad.json?.error.details;
    const paths = Array.isArray(details) ? details.map((d: { path: string }) => d.path) : [(details as { path: string }).path];
    expect(paths).toContain(c.path);
    expect(bad.json?.error.message).toMatch(c.message);

    const ok = await generate(app.url, good, GOOD);
    expect(ok.status).toBe(200);
    expect(await sharp(ok.bytes).metadata()).toMatchObject({ width: 64, height: 64 });
    goodCalls++;

    // The answer came back through SDXLControlNetService's call, so that call is finished; and
    // no bad request ever got there.
    const calls = await sdxlCalls(app.sdxlSocket!);
    expect(calls.inFlight).toBe(0);
    expect(calls.answered).toEqual({ '200': goodCalls });
  });
});

describe('ControlNet passes a cancelled request on', () => {
  let modelDir: string;
  let app: ServedApp;

  beforeAll(async () => {
    modelDir = tempDemoModel();
    app = await serveApp(modelDir, 'production');
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    killStragglers();
    removeDemoModel(modelDir);
  });

  it('stops the generation in SDXLControlNetService when the client goes away', async () => {
    const socket = app.sdxlSocket!;
    // 150 steps at 512²: many seconds of work, so the generation is surely under way when abandoned.
    const client = new AbortController();
    const abandoned = generate(app.url, await discPng(512, 512), { prompt: 'a red house', seed: 1, num_inference_steps: 150 }, 'photo.png', client.signal).catch((error: Error) => error);
    await waitFor(async () => (await sdxlCalls(socket)).inFlight === 1, 'the generation to start');
    client.abort();
    expect(await abandoned).toMatchObject({ name: 'AbortError' });
    await waitFor(async () => (await sdxlCalls(socket)).inFlight === 0, 'the generation to stop');
    // Stopped, not finished: the internal call ended as 499 (its client, ControlNet, closed it), never with a picture.
    const { answered } = await sdxlCalls(socket);
    expect(answered).toEqual({ '499': 1 });
    // And the service serves the next request.
    expect((await generate(app.url, await discPng(64, 64), GOOD)).status).toBe(200);
  }, 120_000);
});

/** Polls `condition` every 50 ms until it holds; fails naming `what` after a minute. */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
