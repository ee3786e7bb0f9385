/**
 * `generate_stream` served by `bento serve` in its own process on the demo model: one event per
 * denoising step and then the image — the same image `generate` gives for the seed — and a client
 * that goes away stops the pipeline at its next step (the service logs where it stopped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from '@bento/core';
import type { SDXLControlNetService } from '../src';
import { generateTempDemoModel, removeDir } from './support/demo-dir';

const ROOT = join(__dirname, '../../..');
const BENTO_BIN = join(ROOT, 'packages/core/dist/cli/bin.js');

/** A control image with a white square outline on black, as nested arrays would be too big: {dtype, shape, data}. */
function squareEdges(size: number) {
  const data = new Array<number>(size * size * 3).fill(0);
  for (let i = size / 4; i < (3 * size) / 4; i++) {
    for (const [y, x] of [[size / 4, i], [(3 * size) / 4, i], [i, size / 4], [i, (3 * size) / 4]] as const) data.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return { dtype: 'uint8' as const, shape: [size, size, 3], data };
}

interface LogLine {
  msg?: string;
  url?: string;
  step?: number;
  total?: number;
}

describe('SDXLControlNetService.generate_stream', () => {
  let dir: string;
  let child: ChildProcess;
  let stdout = '';
  let url: string;
  const lines = (): LogLine[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);

  async function waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines().find(match);
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${what} line (exit ${child.exitCode}); stdout:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    dir = generateTempDemoModel();
    child = spawn(process.execPath, [BENTO_BIN, 'serve', 'apps/sdxl/src/service.ts:SDXLControlNetService', '--port', '0', '--host', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, SDXL_MODEL_DIR: dir, BENTO_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    url = (await waitForLine((l) => Boolean(l.msg?.endsWith(' listening') && l.url), 'listening')).url!;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    removeDir(dir);
  });

  it('yields every step, then the image generate gives for the same seed', async () => {
    const client = createClient<typeof SDXLControlNetService>(url);
    const input = { prompt: 'a red house', arr: squareEdges(64), seed: 11, num_inference_steps: 6 };
    const events = [];
    for await (const event of client.generate_stream(input)) events.push(event);
    expect(events.slice(0, 6).map((e) => (e.type === 'step' ? [e.step, e.total] : e.type))).toEqual([[1, 6], [2, 6], [3, 6], [4, 6], [5, 6], [6, 6]]);
    for (const event of events.slice(0, 6)) expect(event).toMatchObject({ type: 'step', latency_ms: expect.any(Number) });
    expect(events).toHaveLength(7);
    const last = events[6]!;
    expect(last).toMatchObject({ type: 'image', seed: 11, width: 64, height: 64 });
    // Over HTTP the image is a PNG data URL: the same bytes /generate answers for the seed.
    const png = Buffer.from(String((last as { image: unknown }).image).replace(/^data:image\/png;base64,/, ''), 'base64');
    const response = await fetch(`${url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
  });

  it('refuses bad input before streaming, with a 400 naming the field', async () => {
    const response = await fetch(`${url}/generate_stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'x', arr: squareEdges(64), num_inference_steps: 151 }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_error', details: [expect.objectContaining({ path: 'num_inference_steps' })] } });
  });

  it('stops denoising when the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a blue house', arr: squareEdges(128), seed: 5, num_inference_steps: 150 }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"step":2,')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const stopped = await waitForLine((l) => l.msg === 'generation stopped', 'generation stopped');
    expect(stopped.total).toBe(150);
    expect(stopped.step).toBeGreaterThanOrEqual(2);
    expect(stopped.step).toBeLessThan(150);
  });
});
