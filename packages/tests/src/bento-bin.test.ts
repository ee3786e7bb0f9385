import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npmEnv } from './helpers/cli';

const WORKSPACE = path.join(__dirname, '../../..');

/** What a fresh clone of the working tree holds: tracked files and untracked ones git does not ignore. */
function cloneWorkingTree(into: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: WORKSPACE }).toString().split('\0').filter(Boolean);
  for (const file of files) {
    const to = path.join(into, file);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      copyFileSync(path.join(WORKSPACE, file), to);
    } catch (error) {
      // Listed by git but deleted in the working tree: not in a clone either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

describe('the bento command in a fresh clone of the workspace', () => {
  let clone: string;
  beforeAll(() => {
    // Outside the workspace, so nothing resolves from its node_modules.
    clone = mkdtempSync(path.join(tmpdir(), 'bento-clone-'));
    cloneWorkingTree(clone);
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('is linked by npm ci before anything is built, says how to build, and runs the CLI once built', () => {
    const env = { ...npmEnv(), ONNXRUNTIME_NODE_INSTALL: 'skip' };
    // Scripts off: the native addon's build is not what this is about, and takes a while.
    execFileSync('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, env, stdio: 'pipe', timeout: 300_000 });
    expect(lstatSync(path.join(clone, 'node_modules/.bin/bento')).isSymbolicLink()).toBe(true);

    // --no-install: never the public registry's "bento".
    const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'bento', ...args], { cwd: clone, env, encoding: 'utf8', timeout: 60_000 });
    const unbuilt = npx(['--help']);
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr).toContain('bento: @bento/core is not built yet');
    expect(unbuilt.stderr).toContain('Build it with: npx nx run core:build');

    execFileSync('npx', ['--no-install', 'tsc', '-p', 'packages/core/tsconfig.build.json'], { cwd: clone, env, stdio: 'pipe', timeout: 120_000 });
    const built = npx(['--help']);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/^Usage: bento /);
    expect(built.stdout).toContain('serve');
  }, 420_000);
});
