import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { BENTO_BIN, killStragglers, listeningUrl, runBento } from './helpers/cli';

describe('drain on SIGTERM', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-drain-'));
    copyFileSync(path.join(__dirname, 'fixtures/painter.ts'), path.join(dir, 'painter.ts'));
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finishes every answer in flight, multi-megabyte PNGs still being encoded included, then exits 0', async () => {
    const cli = runBento(['serve', 'painter.ts:Painter', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const url = await listeningUrl(cli);
    const size = 1536; // 7 MiB of noise: PNG encoding takes a good while after the method returned
    const calls = [1, 2, 3].map(async (seed) => {
      const response = await fetch(`${url}/paint`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size, delay_ms: 300, seed }),
      });
      return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
    });
    // SIGTERM while every method is still running; they return, then their PNGs are encoded and sent.
    await new Promise((resolve) => setTimeout(resolve, 150));
    cli.child.kill('SIGTERM');

    const answers = await Promise.all(calls);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.type).toBe('image/png');
      const { width, height, channels } = await sharp(answer.body).metadata();
      expect({ width, height, channels }).toEqual({ width: size, height: size, channels: 3 });
      expect(answer.body.length).toBeGreaterThan(size * size * 3);
    }
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('Painter stopped');
    expect(cli.stdout()).not.toContain('cutting the connections');
  });
});
