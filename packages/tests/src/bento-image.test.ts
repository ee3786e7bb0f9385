/**
 * A bento's generated Dockerfile, built for real: the ControlNet service of a controlnet bento,
 * built with buildah and run. Nothing can be pulled here, so, as in apps/controlnet's image test,
 * the base image is made from this machine's files (tools/containers/host-base-image.sh) and
 * `npm ci` reads this machine's npm cache offline. One image (the CPU service) keeps it short.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuildahStore, buildahUnavailable, killGroup } from '../../../tools/containers/buildah';
import { BENTO_BIN } from './helpers/cli';
import { pollUntil, unusedPort } from './helpers/wait';

const WORKSPACE = path.resolve(__dirname, '../../..');
const unavailable = buildahUnavailable();
const describeImage = unavailable ? describe.skip : describe;

describeImage(`a bento's ControlNet image built with buildah${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: string;
  let store: BuildahStore;
  let container: string;
  let config: { User: string; Cmd: string[]; WorkingDir: string; Labels: Record<string, string>; Healthcheck?: { Test: string[] } };
  let tag: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'bento-image-home-'));
    store = new BuildahStore();
    const bento = (args: string[]) => execFileSync(process.execPath, [BENTO_BIN, ...args], { cwd: WORKSPACE, env: { ...process.env, BENTO_HOME: home }, encoding: 'utf8' });
    tag = /^Built bento (\S+) /.exec(bento(['build', 'apps/controlnet']))![1]!;
    // The dry run writes the Dockerfiles and prints the command; the build below adds only what
    // building offline needs (a local base image, the npm cache) to it.
    const command = bento(['containerize', tag, '--dry-run']).split('\n').find((line) => line.includes('ai.bento.service=ControlNet '))!.split(' ');
    const [dockerfile, context] = [command[command.indexOf('-f') + 1]!, command.at(-1)!];
    const labels = command.flatMap((arg, i) => (arg === '--label' ? ['--label', command[i + 1]!] : []));

    const base = await store.command([path.join(WORKSPACE, 'tools/containers/host-base-image.sh'), 'docker.io/library/node:20-bookworm-slim', ...store.globalArgs], 300_000);
    if (base.code !== 0) throw new Error(`host-base-image.sh failed:\n${base.output}`);
    const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    const npmrc = path.join(store.dir, 'npmrc');
    writeFileSync(npmrc, 'offline=true\n');
    await store.buildah(
      ['bud', '--isolation', 'chroot', '--pull=never', '--format', 'docker', '-v', `${npmCache}:/root/.npm:O`, '-v', `${npmrc}:/root/.npmrc:ro`, '-f', dockerfile, '-t', 'localhost/bento-cn:test', ...labels, context],
      540_000,
    );
    config = (JSON.parse(await store.buildah(['inspect', '--type', 'image', 'localhost/bento-cn:test'])) as { Docker: { config: typeof config } }).Docker.config;
    container = (await store.buildah(['from', '--pull=never', 'localhost/bento-cn:test'])).trim().split('\n').at(-1)!;
  }, 900_000);

  afterAll(async () => {
    await store?.remove();
    rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('runs one service as a non-root user, labelled with its bento', () => {
    expect(config).toMatchObject({ User: '10001:10001', WorkingDir: '/app/apps/controlnet' });
    expect(config.Cmd).toEqual(['bento', 'serve', 'service:ControlNet', '--standalone', '--service', 'ControlNet']);
    expect(config.Labels).toMatchObject({ 'ai.bento.bento': tag, 'ai.bento.service': 'ControlNet' });
    expect(config.Healthcheck?.Test[0]).toBe('CMD');
  });

  it('serves ControlNet: /livez 200, /readyz names the missing dependency, its health check passes', async () => {
    const port = await unusedPort();
    // Chroot isolation shares this machine's network; the map names an address where nothing listens.
    const env = { PORT: String(port), BENTO_SERVICE_MAP: JSON.stringify({ SDXLControlNetService: `http://127.0.0.1:${await unusedPort()}` }) };
    // As the image's user, as a container engine runs it: /app must be readable by it.
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    const service = store.start(['buildah', ...store.globalArgs, 'run', '--isolation', 'chroot', '--user', config.User, ...envArgs, container, '--', ...config.Cmd]);
    try {
      const live = await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/livez`)).status === 200, 90_000, () => service.exitCode !== null);
      expect({ live, output: live ? '' : service.output() }).toEqual({ live: true, output: '' });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/SDXLControlNetService/);
      const health = await store.command(store.runArgs(container, config.Healthcheck!.Test.slice(1), { PORT: String(port) }), 60_000);
      expect(health).toEqual({ code: 0, output: '' });
    } finally {
      killGroup(service, 'SIGKILL');
      await store.finish(service, 30_000);
    }
  }, 180_000);
});



