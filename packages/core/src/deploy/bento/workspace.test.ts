import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findWorkspace, workspaceDependencies } from './workspace';

describe('findWorkspace and workspaceDependencies', () => {
  let root: string;
  const pkg = (dir: string, json: object) => {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(json));
  };
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'workspace-'));
    pkg('.', { name: 'root', workspaces: ['packages/*', 'native', 'apps/*'] });
    pkg('packages/core', { name: '@x/core', dependencies: { zod: '^4' } });
    pkg('native', { name: '@x/native', dependencies: { '@x/core': '0.1.0' } });
    pkg('apps/model', { name: '@x/model', dependencies: { '@x/native': '0.1.0', '@x/core': '0.1.0' } });
    pkg('apps/entry', { name: '@x/entry', dependencies: { '@x/model': '0.1.0', express: '^5' } });
    pkg('apps/lonely', { name: '@x/lonely' });
    mkdirSync(path.join(root, 'apps', 'not-a-package'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the root above an app and its packages by name', async () => {
    const workspace = await findWorkspace(path.join(root, 'apps', 'entry'));
    expect(workspace.root).toBe(root);
    expect([...workspace.packages.keys()].sort()).toEqual(['@x/core', '@x/entry', '@x/lonely', '@x/model', '@x/native']);
  });

  it("follows an app's workspace dependencies recursively, not the registry's", async () => {
    const workspace = await findWorkspace(path.join(root, 'apps', 'entry'));
    expect(await workspaceDependencies(workspace, path.join(root, 'apps', 'entry'))).toEqual(['@x/core', '@x/model', '@x/native']);
    expect(await workspaceDependencies(workspace, path.join(root, 'apps', 'lonely'))).toEqual([]);
  });

  it('takes a folder outside any workspace as a project of its own', async () => {
    const alone = mkdtempSync(path.join(tmpdir(), 'alone-'));
    try {
      writeFileSync(path.join(alone, 'package.json'), '{"name":"alone"}');
      expect(await findWorkspace(alone)).toEqual({ root: alone, packages: new Map() });
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
