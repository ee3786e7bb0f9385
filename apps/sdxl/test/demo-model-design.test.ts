/**
 * The demo weights' design, checked numerically with a TEST STAND-IN loop (support/stand-in-loop:
 * word-lookup tokens, Euler with leading spacing, a local σ table), not the app's pipeline:
 * the prompt sets the colour, the control image the structure, and the loop converges.
 */
import { InferenceSession } from 'onnxruntime-node';
import { generateTempDemoModel, removeDir } from './support/demo-dir';
import {
  houseEdges,
  standInGenerate,
  type DemoSessions,
  type StandInOptions,
} from './support/stand-in-loop';

const SIZE = 64;
const PLANE = SIZE * SIZE;
let dir: string;
let sessions: DemoSessions;
const control = houseEdges(SIZE, SIZE);

beforeAll(async () => {
  dir = generateTempDemoModel();
  const open = (name: string) =>
    InferenceSession.create(`${dir}/${name}/model.onnx`, { executionProviders: ['cpu'] });
  sessions = {
    text_encoder: await open('text_encoder'),
    text_encoder_2: await open('text_encoder_2'),
    unet: await open('unet'),
    controlnet: await open('controlnet'),
    vae_decoder: await open('vae_decoder'),
  };
});

afterAll(async () => {
  await Promise.all(Object.values(sessions ?? {}).map((s) => s.release()));
  removeDir(dir);
});

function run(
  options: Partial<StandInOptions> & Pick<StandInOptions, 'prompts'>,
): Promise<Float32Array> {
  return standInGenerate(dir, sessions, {
    control,
    height: SIZE,
    width: SIZE,
    steps: 8,
    seed: 7,
    ...options,
  });
}

/** Pixels on the control image's lines, and pixels at least 6 px from any line. */
const [onEdge, offEdge] = (() => {
  const on: number[] = [];
  const off: number[] = [];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      if (control[y * SIZE + x] > 0) on.push(y * SIZE + x);
      let near = false;
      for (let dy = -6; dy <= 6 && !near; dy++) {
        for (let dx = -6; dx <= 6 && !near; dx++)
          near =
            control[
              Math.min(SIZE - 1, Math.max(0, y + dy)) * SIZE +
                Math.min(SIZE - 1, Math.max(0, x + dx))
            ] > 0;
      }
      if (!near) off.push(y * SIZE + x);
    }
  }
  return [on, off];
})();

/** Mean of channel `c` (or of RGB when omitted) of image `b` over `pixels`. */
function mean(img: Float32Array, b: number, pixels: readonly number[], c?: number): number {
  const channels = c === undefined ? [0, 1, 2] : [c];
  let sum = 0;
  for (const ch of channels) for (const p of pixels) sum += img[(b * 3 + ch) * PLANE + p];
  return sum / (pixels.length * channels.length);
}

const ALL = Array.from({ length: PLANE }, (_, i) => i);
const redness = (img: Float32Array, b: number) =>
  mean(img, b, offEdge, 0) - mean(img, b, offEdge, 2);

describe('the demo weights (stand-in loop, 64×64, 8 Euler steps)', () => {
  let plain: Float32Array;

  beforeAll(async () => {
    plain = await run({ prompts: ['a red house', 'a blue house', 'a house'] });
  });

  it('colour the picture after the prompt: red is reddish, blue bluish, no colour word grey', () => {
    expect(plain.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(redness(plain, 0)).toBeGreaterThan(0.3);
    expect(redness(plain, 1)).toBeLessThan(-0.3);
    expect(Math.abs(redness(plain, 2))).toBeLessThan(0.02);
    expect(mean(plain, 0, ALL, 0)).toBeGreaterThan(mean(plain, 1, ALL, 0));
    expect(mean(plain, 1, ALL, 2)).toBeGreaterThan(mean(plain, 0, ALL, 2));
  });

  it("draw the control image's lines: pixels on them are much darker than pixels away from them", () => {
    for (let b = 0; b < 3; b++)
      expect(mean(plain, b, offEdge) - mean(plain, b, onEdge)).toBeGreaterThan(0.5);
  });

  it('converge to the same picture whatever the noise and step count (the UNet knows σ(t))', async () => {
    const otherSeed = await run({
      prompts: ['a red house', 'a blue house', 'a house'],
      seed: 99,
      steps: 25,
    });
    let worst = 0;
    for (let i = 0; i < plain.length; i++)
      worst = Math.max(worst, Math.abs(plain[i] - otherSeed[i]));
    expect(worst).toBeLessThan(1e-3);
  });

  it('follow the conditioning scale: at 0 the lines are gone', async () => {
    const unconditioned = await run({ prompts: ['a red house'], conditioningScale: 0 });
    expect(Math.abs(mean(unconditioned, 0, offEdge) - mean(unconditioned, 0, onEdge))).toBeLessThan(
      0.01,
    );
    expect(redness(unconditioned, 0)).toBeGreaterThan(0.3);
  });

  it('with CFG 5 against zero negatives: stronger colour, lines still drawn', async () => {
    const guided = await run({ prompts: ['a red house'], guidance: 5 });
    expect(redness(guided, 0)).toBeGreaterThan(redness(plain, 0) + 0.5);
    expect(mean(guided, 0, offEdge) - mean(guided, 0, onEdge)).toBeGreaterThan(0.5);
  });

  it('need the whole loop: stopped halfway, the picture is still noise', async () => {
    const half = await run({ prompts: ['a red house', 'a blue house', 'a house'], stopAfter: 4 });
    let worst = 0;
    for (let i = 0; i < plain.length; i++) worst = Math.max(worst, Math.abs(plain[i] - half[i]));
    expect(worst).toBeGreaterThan(0.5);
  });
});
