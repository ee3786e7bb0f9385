/**
 * The SDXL pipeline's own cost, on the demo model (CPU execution provider):
 *   - per denoising step, the framework's own time (everything but `session.run`) at SDXL's real
 *     latent shape 4×128×128 (1024²), with classifier-free guidance (batch 2) and full-size
 *     ControlNet residuals;
 *   - total and per-stage time of a full generation at 512² and 1024².
 * Also, to read the numbers against this machine's speed: one plain float32 pass over a latent of
 * 4×128×128 in JavaScript (`out[i] = fround(a[i] + b[i])`), timed in the same run.
 * Usage (with the Node flags bento serve gives service processes):
 *   node --initial-old-space-size=256 -r tsx/cjs tools/bench/sdxl-pipeline.ts [--steps 25] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createLogger } from '@bento/core';
import { loadPipeline } from '../../apps/sdxl/src/load-pipeline';
import type { Generation } from '../../apps/sdxl/src/pipeline/generation';
import { generateDemoModel } from '../demo-model/generate';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '25' }, rounds: { type: 'string', default: '3' } } });
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function edges(size: number): Generation['control'] {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (x % 64 === 0 || y % 64 === 0) data.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
  return { data, width: size, height: size, channels: 3 };
}

/** Median ms of one float32 add pass over `n` elements, after warming up. */
function calibrationPass(n: number): number {
  const a = new Float32Array(n).fill(0.5);
  const b = new Float32Array(n).fill(0.25);
  const out = new Float32Array(n);
  const f32 = Math.fround;
  const times: number[] = [];
  for (let round = 0; round < 200; round++) {
    const started = performance.now();
    for (let i = 0; i < n; i++) out[i] = f32(a[i]! + b[i]!);
    times.push(performance.now() - started);
  }
  return median(times.slice(50));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bento-sdxl-bench-'));
  try {
    generateDemoModel(dir);
    process.env.SDXL_EXECUTION_PROVIDER = 'cpu';
    const loaded = await loadPipeline({ dir, demo: true }, createLogger('bench', { level: 'warn' }));
    const rows: string[] = [];
    for (const size of [512, 1024]) {
      const generation: Generation = {
        prompt: 'a red house', control: edges(size), height: size, width: size, steps, guidanceScale: 5,
        conditioningScale: 0.5, controlGuidanceStart: 0, controlGuidanceEnd: 1, guessMode: false, seed: 0,
      };
      await loaded.pipeline.generate({ ...generation, steps: 2 }); // warm-up: sessions, JIT, allocator
      const times = [];
      for (let round = 0; round < rounds; round++) times.push((await loaded.pipeline.generate(generation)).times);
      const total = times.map((t) => t.encode + t.denoise + t.decode);
      rows.push(
        `| ${size}² | ${steps} | ${median(total).toFixed(0)} | ${median(times.map((t) => t.encode)).toFixed(1)} | ${median(times.map((t) => t.denoise)).toFixed(0)} | ${median(times.map((t) => t.decode)).toFixed(1)} | ${median(times.map((t) => t.denoise / steps)).toFixed(1)} | **${median(times.map((t) => t.denoiseOwn / steps)).toFixed(3)}** |`,
      );
    }
    await loaded.release();
    console.log(`| size | steps | total ms | encode ms | denoise ms | decode ms | per step ms | framework's own ms per step |`);
    console.log(`|---|---|---|---|---|---|---|---|`);
    for (const row of rows) console.log(row);
    console.log(`\nCFG batch 2, conditioning scale 0.5, median of ${rounds} rounds after a warm-up; CPU execution provider; Node ${process.version}.`);
    console.log(`Calibration: one JavaScript float32 pass over 4×128×128 = ${calibrationPass(4 * 128 * 128).toFixed(3)} ms on this machine now.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
