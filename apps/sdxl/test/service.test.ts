/**
 * SDXLControlNetService served for real on the generated demo model: a PNG that follows the
 * control image and the prompt, the same bytes for the same seed, the seed sent back, and clear
 * 400s for bad input while the service keeps serving.
 */
import { serve, type RunningService } from '@bento/core';
import sharp from 'sharp';
import { SDXLControlNetService, SEED_HEADER } from '../src';
import { generateTempDemoModel, removeDir } from './support/demo-dir';

/** A control image: black with a white square outline (edges, as Canny gives them), H×W×3. */
function squareEdges(height: number, width: number): { dtype: 'uint8'; shape: number[]; data: number[] } {
  const data = new Array<number>(height * width * 3).fill(0);
  const top = Math.floor(height / 4);
  const left = Math.floor(width / 4);
  const bottom = height - top;
  const right = width - left;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const onEdge = ((y === top || y === bottom - 1) && x >= left && x < right) || ((x === left || x === right - 1) && y >= top && y < bottom);
      if (onEdge) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { dtype: 'uint8', shape: [height, width, 3], data };
}

async function generate(url: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

/** Mean red minus mean blue of a PNG, in [-1, 1]. */
async function redMinusBlue(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let red = 0;
  let blue = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    red += data[i]!;
    blue += data[i + 2]!;
  }
  return (red - blue) / (255 * (data.length / info.channels));
}

describe('SDXLControlNetService on the demo model', () => {
  let dir: string;
  let running: RunningService;
  const previous = { dir: process.env.SDXL_MODEL_DIR, level: process.env.BENTO_LOG_LEVEL };
  beforeAll(async () => {
    dir = generateTempDemoModel();
    process.env.SDXL_MODEL_DIR = dir;
    // Quiet: the access and 'generated' lines of every call would fill the test output.
    process.env.BENTO_LOG_LEVEL = 'warn';
    running = await serve(SDXLControlNetService, { port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
    for (const [name, value] of [['SDXL_MODEL_DIR', previous.dir], ['BENTO_LOG_LEVEL', previous.level]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    removeDir(dir);
  });

  it('answers a PNG of the requested size that follows the prompt, the same bytes for the same seed', async () => {
    const arr = squareEdges(64, 96);
    const red = await generate(running.url, { prompt: 'a red house', arr, seed: 7, num_inference_steps: 8 });
    expect(red.status).toBe(200);
    expect(red.headers.get('content-type')).toBe('image/png');
    expect(red.headers.get(SEED_HEADER)).toBe('7');
    expect(await sharp(red.bytes).metadata()).toMatchObject({ width: 96, height: 64, channels: 3 });
    const again = await generate(running.url, { prompt: 'a red house', arr, seed: 7, num_inference_steps: 8 });
    expect(again.bytes.equals(red.bytes)).toBe(true);
    const blue = await generate(running.url, { prompt: 'a blue house', arr, seed: 7, num_inference_steps: 8 });
    expect(await redMinusBlue(red.bytes)).toBeGreaterThan(0.1);
    expect(await redMinusBlue(blue.bytes)).toBeLessThan(-0.1);
  });

  it('gives the same picture whether its loop buffers are fresh or kept from a run that left residuals in them', async () => {
    // One step whose control window starts later: that step must run on zero residuals. (The demo
    // picture is the last step's prediction, so the last step is where stale residuals would show.)
    const late = { prompt: 'a red house', seed: 3, num_inference_steps: 1, control_guidance_start: 0.5 };
    // Another size first: the run below gets fresh buffers (the one spare set is 64×96).
    await generate(running.url, { prompt: 'a red house', arr: squareEdges(64, 96), seed: 1, num_inference_steps: 1 });
    const fresh = await generate(running.url, { ...late, arr: squareEdges(64, 64) });
    // A full-window run leaves the ControlNet's residuals in the set the next run takes; the late
    // window's first steps must still see zeros, as on fresh buffers.
    await generate(running.url, { prompt: 'a blue house', arr: squareEdges(64, 64), seed: 2, num_inference_steps: 2 });
    const reused = await generate(running.url, { ...late, arr: squareEdges(64, 64) });
    expect(fresh.status).toBe(200);
    expect(reused.bytes.equals(fresh.bytes)).toBe(true);
  });

  it('draws a seed when none is given and says which', async () => {
    const { status, headers } = await generate(running.url, { prompt: 'a green house', arr: squareEdges(64, 64), num_inference_steps: 2 });
    expect(status).toBe(200);
    expect(headers.get(SEED_HEADER)).toMatch(/^\d+$/);
  });

  it('runs guess mode, a partial control guidance window and no guidance', async () => {
    const arr = squareEdges(64, 64);
    for (const options of [{ guess_mode: true }, { control_guidance_start: 0.25, control_guidance_end: 0.75 }, { guidance_scale: 1 }, { negative_prompt: 'blurry' }]) {
      const { status } = await generate(running.url, { prompt: 'a red house', arr, seed: 1, num_inference_steps: 4, ...options });
      expect(status).toBe(200);
    }
  });

  it.each([
    ['an arr that is not H×W×3', { arr: { dtype: 'uint8', shape: [64, 64, 4], data: new Array(64 * 64 * 4).fill(0) } }, 'arr'],
    ['an arr of another dtype', { arr: { dtype: 'float32', shape: [64, 64, 3], data: [] } }, 'arr.dtype'],
    ['a size that is not a multiple of 8', { width: 100 }, 'width'],
    ['a size over the limit', { height: 4096 }, 'height'],
    ['a control image whose size is not a multiple of 8', { arr: squareEdges(60, 64) }, 'arr'],
    ['too many steps', { num_inference_steps: 151 }, 'num_inference_steps'],
    ['no steps', { num_inference_steps: 0 }, 'num_inference_steps'],
    ['a guidance window that ends before it starts', { control_guidance_start: 0.8, control_guidance_end: 0.2 }, 'control_guidance_start'],
  ])('refuses %s with a 400 naming the field, and keeps serving', async (_what, override, field) => {
    const { status, bytes } = await generate(running.url, { prompt: 'a red house', arr: squareEdges(64, 64), num_inference_steps: 2, ...override });
    expect(status).toBe(400);
    const error = (JSON.parse(bytes.toString()) as { error: { code: string; details: Array<{ path: string }> } }).error;
    expect(error.code).toBe('validation_error');
    expect(error.details.map((d) => d.path)).toContain(field);
    const ok = await generate(running.url, { prompt: 'a red house', arr: squareEdges(64, 64), num_inference_steps: 1, seed: 3 });
    expect(ok.status).toBe(200);
  });
});
