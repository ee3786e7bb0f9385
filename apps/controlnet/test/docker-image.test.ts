/**
 * apps/controlnet/Dockerfile: read, then built with buildah and run. Nothing can be pulled here,
 * so the base image `node:20-bookworm-slim` is a stand-in made from this machine's files
 * (tools/containers/host-base-image.sh), and the build's `npm ci` reads this machine's npm cache
 * offline (a build-time volume and an npmrc; the Dockerfile is the one users build).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BuildahStore, buildahUnavailable } from '../../../tools/containers/buildah';
import { pollUntil, unusedPort } from '../../../packages/tests/src/helpers/wait';
import {
  envOf,
  execForm,
  healthcheckOf,
  instructionsOf,
  readDockerfile,
} from '../../../tools/containers/dockerfile';

const ROOT = path.resolve(__dirname, '../../..');
const DOCKERFILE = path.join(ROOT, 'apps/controlnet/Dockerfile');
const BASE = 'docker.io/library/node:20-bookworm-slim';
const IMAGE = 'localhost/bento-controlnet:test';

describe('apps/controlnet/Dockerfile', () => {
  const dockerfile = readDockerfile(DOCKERFILE);
  const runtime = dockerfile.stages.at(-1)!;

  it('builds in a named stage and runs on the slim Node image as a non-root user', () => {
    expect(dockerfile.stages.map((s) => [s.name, s.from])).toEqual([
      ['build', 'node:20-bookworm-slim'],
      [undefined, 'node:20-bookworm-slim'],
    ]);
    expect(instructionsOf(runtime, 'COPY').every((c) => c.args.startsWith('--from=build '))).toBe(
      true,
    );
    const user = instructionsOf(runtime, 'USER').at(-1)?.args;
    expect(user).toBe('node');
  });

  it('serves one service with bento serve --standalone on $PORT, with a /livez health check', () => {
    expect(envOf(runtime).PORT).toBe('3000');
    expect(instructionsOf(runtime, 'EXPOSE').map((e) => e.args)).toEqual(['3000']);
    expect(execForm(instructionsOf(runtime, 'CMD').at(-1)!.args)).toEqual([
      'bento',
      'serve',
      '--standalone',
    ]);
    const health = healthcheckOf(runtime)!;
    expect(health.command?.[0]).toBe('node');
    expect(health.command?.join(' ')).toMatch(
      /path: '\/livez'.*process\.env\.PORT|process\.env\.PORT.*path: '\/livez'/,
    );
    // bentofile.yaml names the service the CMD serves.
    expect(readFileSync(path.join(ROOT, 'apps/controlnet/bentofile.yaml'), 'utf8')).toMatch(
      /^service: "service:ControlNet"/m,
    );
  });
});

const unavailable = buildahUnavailable();
const describeImage = unavailable ? describe.skip : describe;

describeImage(
  `the ControlNet image built with buildah${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let store: BuildahStore;
    let config: ImageConfig;
    let container: string;
    const timings: string[] = [];

    beforeAll(async () => {
      store = new BuildahStore();
      let started = Date.now();
      const base = await store.command(
        [path.join(ROOT, 'tools/containers/host-base-image.sh'), BASE, ...store.globalArgs],
        300_000,
      );
      if (base.code !== 0) throw new Error(`host-base-image.sh failed:\n${base.output}`);
      timings.push(`base image ${seconds(started)}`);

      // npm ci inside the build reads the packages this machine's `npm ci` put in its cache; the
      // overlay (:O) keeps what npm writes there out of the real cache.
      const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
      const npmrc = path.join(store.dir, 'npmrc');
      writeFileSync(npmrc, 'offline=true\n');
      started = Date.now();
      await store.buildah(
        [
          'bud',
          '--isolation',
          'chroot',
          '--pull=never',
          '--format',
          'docker',
          '-v',
          `${npmCache}:/root/.npm:O`,
          '-v',
          `${npmrc}:/root/.npmrc:ro`,
          '-f',
          DOCKERFILE,
          '-t',
          IMAGE,
          ROOT,
        ],
        540_000,
      );
      timings.push(`image build ${seconds(started)}`);
      config = (
        JSON.parse(await store.buildah(['inspect', '--type', 'image', IMAGE])) as {
          Docker: { config: ImageConfig };
        }
      ).Docker.config;
      container = (await store.buildah(['from', '--pull=never', IMAGE])).trim().split('\n').at(-1)!;
      console.log(`ControlNet image: ${timings.join(', ')}`);
    }, 900_000);

    afterAll(async () => {
      await store?.remove();
    }, 120_000);

    it("keeps the Dockerfile's user, port, command and health check in the image", () => {
      expect(config.User).toBe('node');
      expect(config.Env).toContain('PORT=3000');
      expect(Object.keys(config.ExposedPorts ?? {})).toEqual(['3000/tcp']);
      expect(config.Cmd).toEqual(['bento', 'serve', '--standalone']);
      expect(config.Healthcheck?.Test[0]).toBe('CMD');
      expect(config.WorkingDir).toBe('/app/apps/controlnet');
    });

    it('holds only what the service runs: the two apps and their packages, built, without dev dependencies', async () => {
      const { output: listing } = await store.command(
        store.runArgs(container, [
          'sh',
          '-c',
          'ls -m /app/apps; ls -m /app/packages; ls -m /app/native; ls -m /app/native/build/Release; for d in typescript nx jest; do [ ! -e /app/node_modules/$d ] || echo dev dependency: $d; done',
        ]),
        60_000,
      );
      expect(listing.trim().split('\n')).toEqual([
        'controlnet, sdxl',
        'core',
        'build, dist, package.json',
        'bento_native.node',
      ]);
    });

    it('serves ControlNet: /livez is 200, the health check passes, SIGTERM drains and exits 0', async () => {
      const port = await unusedPort();
      // Chroot isolation shares this machine's network: the service listens on a free port here.
      // The map names an address where nothing listens, so the dependency is reported missing.
      const service = store.start(
        store.runArgs(container, config.Cmd, {
          PORT: String(port),
          BENTO_SERVICE_MAP: JSON.stringify({
            SDXLControlNetService: `http://127.0.0.1:${await unusedPort()}`,
          }),
        }),
      );
      const base = `http://127.0.0.1:${port}`;
      const live = await pollUntil(
        async () => (await fetch(`${base}/livez`)).status === 200,
        90_000,
        () => service.exitCode !== null,
      );
      expect({ live, output: live ? '' : service.output() }).toEqual({ live: true, output: '' });

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/SDXLControlNetService/);

      // The image's own HEALTHCHECK command, run in the same container.
      const health = await store.command(
        store.runArgs(container, config.Healthcheck!.Test.slice(1), { PORT: String(port) }),
        60_000,
      );
      expect(health).toEqual({ code: 0, output: '' });

      // What `docker stop` does: SIGTERM to the command's process (buildah's own wrappers would kill it).
      const node = processesInGroup(service.pid!).find((p) => p.comm === 'node');
      expect(node).toBeDefined();
      process.kill(node!.pid, 'SIGTERM');
      const { code, output } = await store.finish(service, 60_000);
      expect(code).toBe(0);
      expect(output).toMatch(/ControlNet stopped/);
    }, 180_000);
  },
);

interface ImageConfig {
  User: string;
  Env: string[];
  ExposedPorts?: Record<string, unknown>;
  Cmd: string[];
  WorkingDir: string;
  Healthcheck?: { Test: string[] };
}

function seconds(since: number): string {
  return `${Math.round((Date.now() - since) / 1000)} s`;
}



/** The processes of a process group (Linux /proc): pid and command name. */
function processesInGroup(pgid: number): { pid: number; comm: string }[] {
  const found: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[2]) === pgid)
        found.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // Exited meanwhile.
    }
  }
  return found;
}
