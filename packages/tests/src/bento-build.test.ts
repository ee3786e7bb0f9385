import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BENTO_BIN } from './helpers/cli';

const WORKSPACE = path.resolve(__dirname, '../../..');

interface Manifest {
  name: string;
  version: string;
  entry: { target: string; service: string; dir: string };
  labels: Record<string, string>;
  packages: string[];
  services: Array<{ name: string; options: { resources?: { gpu?: number; cpu?: string } }; dependencies: string[] }>;
}

// The canonical example's bentofile built into a store of its own with the real CLI, then listed,
// read, containerized (a dry run: no image builder is needed) and deleted.
describe('bento build, list, get, containerize, delete', () => {
  let home: string;
  const bento = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync(process.execPath, [BENTO_BIN, ...args], {
      cwd: WORKSPACE,
      env: { ...process.env, BENTO_HOME: home, SDXL_MODEL_DIR: '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    home = mkdtempSync(path.join(tmpdir(), 'bento-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('builds apps/controlnet: its graph in bento.yaml, its files and the workspace packages it uses', () => {
    const built = bento(['build', 'apps/controlnet']);
    expect(built).toMatchObject({ code: 0, stderr: '' });
    const [, tag, version] = /^Built bento (controlnet:([0-9a-f]{16})) .*services: SDXLControlNetService, ControlNet/m.exec(built.stdout)!;
    const folder = path.join(home, 'bentos', 'controlnet', version!);

    const manifest = parseYaml(readFileSync(path.join(folder, 'bento.yaml'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({ name: 'controlnet', version, entry: { target: 'service:ControlNet', service: 'ControlNet', dir: 'apps/controlnet' } });
    expect(manifest.labels).toEqual({ owner: 'bentoml-team', project: 'gallery' });
    expect(manifest.packages).toEqual(['@bento/app-sdxl', '@bento/core', '@bento/native']);
    expect(manifest.services.map((s) => s.name)).toEqual(['SDXLControlNetService', 'ControlNet']);
    const [sdxl, controlnet] = manifest.services;
    expect(sdxl!.options.resources).toMatchObject({ gpu: 1 });
    expect(sdxl!.dependencies).toEqual([]);
    expect(controlnet!.dependencies).toEqual(['SDXLControlNetService']);

    const src = path.join(folder, 'src');
    for (const file of ['package.json', 'package-lock.json', 'apps/controlnet/service.ts', 'apps/controlnet/web/index.html', 'apps/controlnet/package.json',
      'apps/sdxl/src/index.ts', 'packages/core/dist/index.js', 'packages/core/bin/bento.js', 'packages/core/package.json',
      'native/CMakeLists.txt', 'native/package.json', 'native/dist/index.js']) {
      expect([file, existsSync(path.join(src, file))]).toEqual([file, true]);
    }
    for (const file of ['native/build', 'apps/controlnet/test', 'apps/sdxl/test', 'node_modules', 'packages/core/src', 'packages/tests']) {
      expect([file, existsSync(path.join(src, file))]).toEqual([file, false]);
    }

    // The same inputs: the same version, nothing written.
    expect(bento(['build', 'apps/controlnet']).stdout).toBe(`Bento ${tag} is already built (the same inputs): ${folder}\n`);

    const list = bento(['list']);
    expect(list.stdout.split('\n')[0]).toMatch(/^TAG\s+SIZE\s+CREATED$/);
    expect(list.stdout).toMatch(new RegExp(`^${tag}\\s+\\d+\\.\\d MiB\\s+\\d{4}-\\d\\d-\\d\\dT`, 'm'));

    expect(bento(['get', 'controlnet']).stdout).toBe(readFileSync(path.join(folder, 'bento.yaml'), 'utf8'));
    const unknown = bento(['get', 'controlnet:0000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`bento: No bento controlnet:0000 in ${path.join(home, 'bentos')} (versions of controlnet: ${tag})`);

    // An empty PATH (the CLI runs on process.execPath): no docker, no buildah. A dry run still
    // writes and prints; a real one says what to install.
    const onlyNode = { PATH: mkdtempSync(path.join(home, 'empty-path-')) };
    const dry = bento(['containerize', tag!, '--dry-run'], onlyNode);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`docker build -f ${path.join(folder, 'env', 'docker', 'ControlNet.Dockerfile')} -t controlnet-controlnet:${version} --label ai.bento.bento=${tag} --label ai.bento.service=ControlNet ${src}\n`);
    expect(dry.stdout).toContain(`-t controlnet-sdxlcontrolnetservice:${version} `);
    const dockerfile = readFileSync(path.join(folder, 'env', 'docker', 'SDXLControlNetService.Dockerfile'), 'utf8');
    expect(dockerfile).toContain('npm run install --workspace=@bento/native');
    expect(dockerfile).toContain('CMD ["bento","serve","service:ControlNet","--standalone","--service","SDXLControlNetService"]');
    const neither = bento(['containerize', tag!], onlyNode);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('bento: Neither docker nor buildah is on PATH');

    // bento deploy takes the tag: the images it runs are the ones containerize tags.
    const deployed = bento(['deploy', tag!, '--dry-run']);
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain(`image: controlnet-sdxlcontrolnetservice:${version}`);
    expect(deployed.stdout).toContain(`image: controlnet-controlnet:${version}`);

    // No terminal to ask on: --yes is required.
    expect(bento(['delete', tag!]).stderr).toContain('pass --yes');
    expect(bento(['delete', tag!, '--yes']).stdout).toBe(`Deleted bento ${tag}\n`);
    expect(bento(['list']).stdout).toBe(`No bentos in ${path.join(home, 'bentos')} (bento build makes one)\n`);
  });
});
