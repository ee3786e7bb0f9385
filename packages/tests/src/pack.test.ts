import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killStragglers, listeningUrl, npmEnv, runBento, signal } from './helpers/cli';
import { makeImage } from './helpers/images';

const CORE = path.join(__dirname, '../../core');

const SERVICE = `import { service, api, Image } from '@bento/core';
import { createClient } from '@bento/core/client';
import { z } from 'zod';
const Params = z.object({ prompt: z.string().min(1), num_inference_steps: z.number().int().min(1).max(100).default(25) });
@service({ name: 'Describe', resources: { cpu: '1' }, traffic: { timeout: 30, max_concurrency: 8 } })
export class Describe {
  @api({ input: z.object({ image: Image(), params: Params }) })
  async describe({ image, params }: { image: Image; params: z.infer<typeof Params> }) {
    return { width: image.width, height: image.height, prompt: params.prompt, client: typeof createClient };
  }
}
`;

describe('the packed @bento/core in a fresh project', () => {
  let dir: string;
  beforeAll(() => {
    // Outside the workspace, so nothing resolves from its node_modules.
    dir = mkdtempSync(path.join(tmpdir(), 'bento-pack-'));
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs, and `npx bento serve` serves a service file', async () => {
    const env = npmEnv();
    const run = (args: string[]) => execFileSync('npm', args, { cwd: dir, env, stdio: 'pipe', timeout: 240_000 }).toString();
    run(['pack', CORE, '--pack-destination', dir, '--silent']);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    expect(tarball).toMatch(/^bento-core-\d+\.\d+\.\d+\.tgz$/);
    const listing = execFileSync('tar', ['-tzf', path.join(dir, tarball)]).toString().split('\n');
    expect(listing).toContain('package/dist/cli/bin.js');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing.filter((f) => f.includes('.test.'))).toEqual([]);
    expect(listing.filter((f) => f.startsWith('package/src/'))).toEqual([]);

    run(['init', '-y']);
    run(['install', `./${tarball}`, 'zod@4', '--no-audit', '--no-fund', '--prefer-offline']);
    writeFileSync(path.join(dir, 'service.ts'), SERVICE);

    const cli = runBento(['bento', 'serve', 'service.ts:Describe', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env, command: 'npx' });
    const url = await listeningUrl(cli, 60_000);
    const form = new FormData();
    form.append('image', new Blob([await makeImage('jpeg', 30, 20)], { type: 'image/jpeg' }), 'a.jpg');
    form.append('params', JSON.stringify({ prompt: 'packed' }));
    const response = await fetch(`${url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ width: 30, height: 20, prompt: 'packed', client: 'function' });

    signal(cli, 'SIGTERM');
    await cli.exited;
    // The server behind npx stopped too: nothing answers any more.
    await expect(fetch(`${url}/livez`)).rejects.toThrow();
  }, 300_000);
});
