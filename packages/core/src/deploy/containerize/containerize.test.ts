import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../errors';
import { manifestYaml, type BentoManifest } from '../bento/bento-manifest';
import type { ServiceManifest } from '../graph-manifest';
import { containerize } from './containerize';
import { generateDockerfile } from './generate-dockerfile';
import { findImageBuilder } from './image-builder';

const service = (name: string, gpu: number | undefined, dependencies: string[]): ServiceManifest => ({
  name,
  options: { name, ...(gpu ? { resources: { gpu } } : {}), traffic: { timeout: 60, max_concurrency: 100 }, workers: 1, envs: [] },
  dependencies,
  external: [],
  routes: ['/run'],
});

const manifest = (docker: BentoManifest['docker'] = {}): BentoManifest => ({
  name: 'demo',
  version: '0123456789abcdef',
  created_at: '2026-01-01T00:00:00.000Z',
  entry: { target: 'service:Front', service: 'Front', dir: 'apps/front' },
  labels: {},
  envs: [{ name: 'MODE', value: 'fast' }, { name: 'TOKEN' }],
  docker,
  packages: ['@demo/addon'],
  services: [service('Model', 1, []), service('Front', undefined, ['Model'])],
});

describe('generateDockerfile', () => {
  it('builds in one stage and runs exactly one service, non-root, on $PORT, with a health check', () => {
    const text = generateDockerfile(manifest(), manifest().services[0]!, [{ name: '@demo/addon' }]);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim']);
    expect(text).toContain('RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \\\n && npm run install --workspace=@demo/addon');
    expect(text).toContain('apt-get install -y --no-install-recommends cmake g++ make');
    expect(text).toContain('COPY --from=build /workspace /app\nWORKDIR /app/apps/front\n');
    expect(text).toContain('MODE="fast"');
    expect(text).not.toContain('TOKEN');
    expect(text).toContain('LABEL ai.bento.bento="demo:0123456789abcdef" ai.bento.service="Model"');
    expect(lines).toContain('USER 10001:10001');
    expect(lines).toContain('EXPOSE 3000');
    expect(text).toMatch(/HEALTHCHECK .*\n {2}CMD \["node", "-e", ".*path: '\/livez'/);
    expect(lines.at(-2)).toBe('CMD ["bento","serve","service:Front","--standalone","--service","Model"]');
    // A GPU service on the default base image says how to give it CUDA.
    expect(text).toContain('Model asks for a GPU, but this base image has no CUDA');
  });

  it("follows the bentofile's docker section: base image, system packages, env, build args", () => {
    const docker = { base_image: 'nvcr.io/nvidia/node:20', system_packages: ['libgomp1', 'ffmpeg'], env: { OMP: '4', PRICE: '$5' }, build_args: { REGISTRY: 'r' } };
    const text = generateDockerfile(manifest(docker), manifest(docker).services[0]!, []);
    expect(text).toContain('FROM nvcr.io/nvidia/node:20 AS build\nARG REGISTRY\n');
    expect(text).toContain('\nFROM nvcr.io/nvidia/node:20\nRUN apt-get update && apt-get install -y --no-install-recommends libgomp1 ffmpeg');
    expect(text).toContain('OMP="4"');
    expect(text).toContain('PRICE="\\$5"');
    expect(text).not.toContain('cmake');
    expect(text).not.toContain('asks for a GPU');
  });
});

describe('containerize', () => {
  let home: string;
  let bin: string;
  const fakeProgram = (dir: string, name: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(dir, name), 0o755);
  };
  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), 'containerize-'));
    const bento = path.join(home, 'bentos', 'demo', '0123456789abcdef');
    mkdirSync(path.join(bento, 'src', 'apps', 'front'), { recursive: true });
    mkdirSync(path.join(bento, 'src', 'addon'), { recursive: true });
    writeFileSync(path.join(bento, 'bento.yaml'), manifestYaml(manifest()));
    writeFileSync(path.join(bento, 'src', 'package.json'), JSON.stringify({ workspaces: ['apps/*', 'addon'] }));
    writeFileSync(path.join(bento, 'src', 'apps', 'front', 'package.json'), JSON.stringify({ name: '@demo/front' }));
    writeFileSync(path.join(bento, 'src', 'addon', 'package.json'), JSON.stringify({ name: '@demo/addon', scripts: { install: 'cmake-js compile' } }));
    bin = path.join(home, 'bin');
    fakeProgram(path.join(bin, 'both'), 'docker');
    fakeProgram(path.join(bin, 'both'), 'buildah');
    fakeProgram(path.join(bin, 'buildah-only'), 'buildah');
    mkdirSync(path.join(bin, 'none'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prefers docker, else buildah, else none', () => {
    expect(findImageBuilder(path.join(bin, 'both'))).toBe('docker');
    expect(findImageBuilder([path.join(bin, 'none'), path.join(bin, 'buildah-only')].join(path.delimiter))).toBe('buildah');
    expect(findImageBuilder(path.join(bin, 'none'))).toBeUndefined();
  });

  it('plans one docker build per service, tagged and labelled, and writes the Dockerfiles (dry run)', async () => {
    const { builder, images } = await containerize('demo', { home, dryRun: true, pathEnv: path.join(bin, 'both') });
    expect(builder).toBe('docker');
    const folder = path.join(home, 'bentos', 'demo', '0123456789abcdef');
    expect(images.map((i) => [i.service, i.tag])).toEqual([['Model', 'demo-model:0123456789abcdef'], ['Front', 'demo-front:0123456789abcdef']]);
    expect(images[1]!.command).toEqual([
      'docker', 'build', '-f', path.join(folder, 'env', 'docker', 'Front.Dockerfile'), '-t', 'demo-front:0123456789abcdef',
      '--label', 'ai.bento.bento=demo:0123456789abcdef', '--label', 'ai.bento.service=Front', path.join(folder, 'src'),
    ]);
    const written = readFileSync(path.join(folder, 'env', 'docker', 'Front.Dockerfile'), 'utf8');
    expect(written).toContain('npm run install --workspace=@demo/addon');
    expect(written).toContain('"--service","Front"]');
  });

  it('uses buildah in the Docker format when docker is absent, and actually runs it', async () => {
    const { builder, images } = await containerize('demo:0123456789abcdef', { home, pathEnv: path.join(bin, 'buildah-only') });
    expect(builder).toBe('buildah');
    expect(images[0]!.command.slice(0, 4)).toEqual(['buildah', 'bud', '--format', 'docker']);
  });

  it('says neither docker nor buildah is there, and how to install one', async () => {
    const error = await containerize('demo', { home, pathEnv: path.join(bin, 'none') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Neither docker nor buildah is on PATH.*apt-get install buildah.*--dry-run/);
    // A dry run needs neither: it prints docker's commands.
    expect((await containerize('demo', { home, dryRun: true, pathEnv: path.join(bin, 'none') })).builder).toBe('docker');
    expect(existsSync(path.join(home, 'bentos', 'demo', '0123456789abcdef', 'env', 'docker', 'Model.Dockerfile'))).toBe(true);
  });
});
