import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, NotFoundError } from '../../errors';
import type { BentoManifest } from './bento-manifest';
import { BentoStore } from './bento-store';
import { buildBento } from './build-bento';

// A workspace of its own in a temp folder: an app with two services and a workspace library it
// imports; @bento/core is linked from this repository, as npm links it in a real workspace.
const SERVICE = `
import { api, depends, service } from '@bento/core';
import { greeting } from '@demo/lib';

@service({ name: 'Model', resources: { gpu: 1 }, traffic: { timeout: 300 } })
export class Model {
  @api() async predict() { return greeting; }
}

@service({ name: 'Front', envs: [{ name: 'MODE', value: 'x' }] })
export class Front {
  model = depends(Model);
  @api() async run() { return this.model.predict(); }
}
`;

describe('buildBento', () => {
  let root: string;
  let home: string;
  const app = () => path.join(root, 'apps', 'front');
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'build-bento-ws-'));
    home = mkdtempSync(path.join(tmpdir(), 'build-bento-home-'));
    write('package.json', JSON.stringify({ name: 'demo', private: true, workspaces: ['apps/*', 'libs/*'] }));
    write('package-lock.json', '{"lockfileVersion":3}');
    write('libs/lib/package.json', JSON.stringify({ name: '@demo/lib', main: './index.js' }));
    write('libs/lib/index.js', 'exports.greeting = "hello";');
    write('libs/lib/index.test.js', 'never shipped');
    write('apps/front/package.json', JSON.stringify({ name: '@demo/front', dependencies: { '@demo/lib': '*', '@bento/core': '*' } }));
    write('apps/front/service.ts', SERVICE);
    write('apps/front/notes/todo.md', 'left out');
    write('apps/front/bentofile.yaml', 'service: service:Front\nlabels: { team: ml }\ninclude: ["service.ts"]\ndocker:\n  system_packages: [libgomp1]\n');
    mkdirSync(path.join(root, 'node_modules', '@bento'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules', '@demo'), { recursive: true });
    symlinkSync(path.resolve(__dirname, '../../..'), path.join(root, 'node_modules', '@bento', 'core'));
    symlinkSync(path.join(root, 'libs', 'lib'), path.join(root, 'node_modules', '@demo', 'lib'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('stores the app, its workspace packages, the lockfile and the graph in bento.yaml', async () => {
    const bento = await buildBento({ dir: app(), home });
    expect(bento.tag).toMatch(/^front:[0-9a-f]{16}$/);
    expect(bento.existed).toBe(false);
    expect(bento.path).toBe(path.join(home, 'bentos', 'front', bento.version));
    const src = path.join(bento.path, 'src');
    for (const file of ['package.json', 'package-lock.json', 'apps/front/service.ts', 'apps/front/package.json', 'apps/front/bentofile.yaml', 'libs/lib/index.js', 'libs/lib/package.json']) {
      expect(existsSync(path.join(src, file))).toBe(true);
    }
    for (const file of ['apps/front/notes/todo.md', 'libs/lib/index.test.js']) expect(existsSync(path.join(src, file))).toBe(false);

    const manifest = parseYaml(readFileSync(path.join(bento.path, 'bento.yaml'), 'utf8')) as BentoManifest;
    expect(manifest).toMatchObject({
      name: 'front',
      version: bento.version,
      entry: { target: 'service:Front', service: 'Front', dir: 'apps/front' },
      labels: { team: 'ml' },
      docker: { system_packages: ['libgomp1'] },
      packages: ['@demo/lib'],
    });
    expect(manifest.services.map((s) => s.name)).toEqual(['Model', 'Front']);
    expect(manifest.services[0]).toMatchObject({ options: { resources: { gpu: 1 }, traffic: { timeout: 300 } }, dependencies: [] });
    expect(manifest.services[1]).toMatchObject({ options: { envs: [{ name: 'MODE', value: 'x' }] }, dependencies: ['Model'] });
  });

  it('gives the same inputs the same version without writing, and a changed file a new one', async () => {
    const first = await buildBento({ dir: app(), home });
    const again = await buildBento({ dir: app(), home });
    expect(again).toMatchObject({ tag: first.tag, existed: true, created_at: first.created_at });

    write('libs/lib/index.js', 'exports.greeting = "hi";');
    const changed = await buildBento({ dir: app(), home });
    expect(changed.version).not.toBe(first.version);
    // A file the bentofile leaves out does not change the version.
    write('apps/front/notes/todo.md', 'still left out');
    expect((await buildBento({ dir: app(), home })).version).toBe(changed.version);
  });

  it('lists, gets (name alone: the newest) and deletes bentos; unknown tags name what exists', async () => {
    const store = new BentoStore(home);
    const all = await store.list();
    expect(all.length).toBe(2);
    expect((await store.get('front')).tag).toBe(all[0]!.tag);
    await expect(store.get('front:nope')).rejects.toThrow(NotFoundError);
    await expect(store.get('front:nope')).rejects.toThrow(`versions of front: ${all.map((b) => b.tag).join(', ')}`);
    await expect(store.get('back')).rejects.toThrow('(bentos: front)');
    await expect(store.get('a:b:c')).rejects.toThrow(ConfigError);
    for (const bento of all) await store.delete(bento.tag);
    expect(await store.list()).toEqual([]);
    expect(existsSync(path.join(home, 'bentos', 'front'))).toBe(false);
  });

  it('refuses a folder without a bentofile, and a name that cannot be an image name', async () => {
    await expect(buildBento({ dir: path.join(root, 'libs', 'lib'), home })).rejects.toThrow('No bentofile.yaml in ');
    write('apps/front/bentofile.yaml', 'service: service:Front\nname: Front_App!\n');
    await expect(buildBento({ dir: app(), home })).rejects.toThrow('name "Front_App!" is not a bento name');
  });
});
