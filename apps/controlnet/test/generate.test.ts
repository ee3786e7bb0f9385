/**
 * The app served for real, as `nx serve controlnet` serves it (each service in its own process) and
 * in one process (`--development`), on a generated demo model: a multipart photo and params in, a
 * PNG of the photo's size rounded down to a multiple of 8 out, made from the photo's edges.
 */
import sharp from 'sharp';
import { SEED_HEADER } from '@bento/app-sdxl';
import { discPng } from './support/images';
import { generate } from './support/http';
import { childCommands, isRunning, killStragglers, removeDemoModel, serveApp, tempDemoModel, type ServedApp } from './support/serve-app';

/** Few steps: the demo model shows every stage at work with any count, and the suite stays quick. */
const PARAMS = { prompt: 'a red house', seed: 7, num_inference_steps: 4 };

describe('ControlNet served by bento serve', () => {
  let modelDir: string;
  let app: ServedApp;
  let photo: Buffer;
  let first: Buffer;

  beforeAll(async () => {
    modelDir = tempDemoModel();
    // 100×70: both sides round down (to 96×64), so the answer's size shows the rounding.
    photo = await discPng(100, 70);
    app = await serveApp(modelDir, 'production');
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    killStragglers();
    removeDemoModel(modelDir);
  });

  it('runs each service in its own process and answers a PNG of the photo size rounded down to a multiple of 8', async () => {
    expect(Object.keys(app.pids).sort()).toEqual(['ControlNet', 'SDXLControlNetService']);
    expect(app.pids.ControlNet).not.toBe(app.pids.SDXLControlNetService);
    expect(app.sdxlSocket).toMatch(/SDXLControlNetService\.sock$/);
    expect(childCommands(app.cli.child.pid!).filter((command) => command.includes('--service')).length).toBe(2);

    const answer = await generate(app.url, photo, PARAMS);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/png');
    expect(answer.headers.get(SEED_HEADER)).toBe('7');
    expect(await sharp(answer.bytes).metadata()).toMatchObject({ format: 'png', width: 96, height: 64, channels: 3 });
    first = answer.bytes;
  });

  it('draws a seed when none is given and says which', async () => {
    const answer = await generate(app.url, photo, { prompt: 'a blue house', num_inference_steps: 1 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get(SEED_HEADER)).toMatch(/^\d+$/);
  });

  it('follows the edges: another photo gives another picture with the same seed, the same edges the same picture', async () => {
    const moved = await generate(app.url, await discPng(100, 70, { cx: 30, cy: 25, r: 15 }), PARAMS);
    expect(moved.status).toBe(200);
    expect(moved.bytes.equals(first)).toBe(false);
    // Dark and bright swapped: other pixels, the same Canny edges, so the very same picture.
    const inverted = await generate(app.url, await discPng(100, 70, { inverted: true }), PARAMS);
    expect(inverted.status).toBe(200);
    expect(inverted.bytes.equals(first)).toBe(true);
  });

  it('streams the edges, one event per denoising step, then the same picture (curl -N of /generate_stream)', async () => {
    const form = new FormData();
    form.append('image', new Blob([photo]), 'photo.png');
    form.append('params', JSON.stringify(PARAMS));
    const response = await fetch(`${app.url}/generate_stream`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get(SEED_HEADER)).toBe('7');
    const events = (await response.text())
      .split('\n\n')
      .filter((block) => block.startsWith('id: '))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { type: string; image?: string; step?: number; total?: number });
    expect(events.map((e) => e.type)).toEqual(['edges', 'step', 'step', 'step', 'step', 'image']);
    expect(events.filter((e) => e.type === 'step').map((e) => [e.step, e.total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    const png = (dataUrl: string | undefined) => Buffer.from(dataUrl!.replace(/^data:image\/png;base64,/, ''), 'base64');
    // The edges at the photo's own size; the picture the very bytes /generate gave for this seed.
    expect(await sharp(png(events[0]!.image)).metadata()).toMatchObject({ width: 100, height: 70 });
    expect(png(events.at(-1)!.image).equals(first)).toBe(true);
  });

  it('gives the same bytes for the same seed with the whole graph in one process (--development)', async () => {
    const dev = await serveApp(modelDir, 'development');
    try {
      // One process: no child serves a service (tsx may keep an esbuild child).
      expect(childCommands(dev.cli.child.pid!).filter((command) => command.includes('serve'))).toEqual([]);
      const answer = await generate(dev.url, photo, PARAMS);
      expect(answer.status).toBe(200);
      expect(answer.bytes.equals(first)).toBe(true);
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  }, 120_000);

  it('stops every process it started on SIGTERM', async () => {
    expect(await app.stop()).toBe(0);
    for (const pid of Object.values(app.pids)) expect(isRunning(pid)).toBe(false);
  });
});
