/**
 * `npx nx serve controlnet`, the README's first command, as a real process tree: its Nx target
 * builds what it needs, generates the demo model (cached) and serves ControlNet on `PORT`, with
 * SDXLControlNetService in a process of its own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SEED_HEADER } from '@bento/app-sdxl';
import { killStragglers, runBento, signal } from '../../../packages/tests/src/helpers/cli';
import { unusedUrl } from '../../../packages/tests/src/helpers/wait';
import { discPng } from './support/images';
import { generate } from './support/http';

const WORKSPACE = path.join(__dirname, '../../..');

/** The supervisor's `service graph ready` line. */
async function graphReady(stdout: () => string, exited: () => boolean, timeoutMs: number): Promise<{ url: string; pids: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    const line = stdout().split('\n').find((l) => l.includes('"service graph ready"'));
    if (line) return JSON.parse(line.slice(line.indexOf('{'))) as { url: string; pids: Record<string, number> };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nx serve controlnet was not ready; output:\n${stdout()}`);
}

describe('npx nx serve controlnet', () => {
  afterAll(killStragglers);

  it('serves ControlNet on PORT, each service in its own process, on the demo model', async () => {
    const port = new URL(await unusedUrl()).port;
    const env = { PORT: port, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', SDXL_MODEL_DIR: '' };
    // Its own process group (npx → nx → bento serve → services), stopped as a whole like Ctrl-C.
    const cli = runBento(['nx', 'serve', 'controlnet'], { cwd: WORKSPACE, env, command: 'npx' });
    try {
      const { url, pids } = await graphReady(cli.stdout, () => cli.child.exitCode !== null, 180_000);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(Object.keys(pids).sort()).toEqual(['ControlNet', 'SDXLControlNetService']);
      // SDXL_MODEL_DIR is empty: what the Nx target generated is served.
      expect(existsSync(path.join(WORKSPACE, 'apps/sdxl/demo-model/model_index.json'))).toBe(true);
      const answer = await generate(`http://localhost:${port}`, await discPng(100, 70), { prompt: 'a red house', seed: 1, num_inference_steps: 2 });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/png');
      expect(answer.headers.get(SEED_HEADER)).toBe('1');
    } finally {
      signal(cli, 'SIGTERM');
      await cli.exited;
    }
  }, 240_000);
});
