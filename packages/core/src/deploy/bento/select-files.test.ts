import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { matchesPattern, selectFiles } from './select-files';

describe('matchesPattern', () => {
  it.each([
    ['test/a.ts', 'test/', true],
    ['src/test/a.ts', 'test', true],
    ['src/a.test.ts', '**/*.test.ts', true],
    ['a.test.ts', '**/*.test.ts', true],
    ['src/a.ts', 'src/**/*.ts', true],
    ['web/img/logo.png', 'web/**', true],
    ['web/img/logo.png', 'web', true],
    ['build/x.node', '/build', true],
    ['dist/deploy/build/x.js', '/build', false],
    ['dist/deploy/build/x.js', 'build', true],
    ['service.ts', './service.ts', true],
    ['src/service.ts', 'service.js', false],
    ['.env', '*', true],
  ])('%s against %s: %s', (file, pattern, expected) => {
    expect(matchesPattern(file, pattern)).toBe(expected);
  });
});

describe('selectFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'select-files-'));
    for (const file of ['service.ts', 'src/a.ts', 'src/a.test.ts', 'test/b.ts', 'dist/c.js', 'node_modules/x/index.js', '.git/HEAD', 'web/index.html', 'README.md']) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), file);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes everything but node_modules, .git, build outputs and tests by default, sorted', async () => {
    expect(await selectFiles(dir)).toEqual(['README.md', 'service.ts', 'src/a.ts', 'web/index.html']);
  });

  it('takes what include names, less what exclude names', async () => {
    expect(await selectFiles(dir, { include: ['service.ts', 'src/**/*.ts', 'web/'], exclude: ['web'] })).toEqual(['service.ts', 'src/a.ts']);
  });

  it('keeps dist without the defaults (a package as npm packs it), never node_modules', async () => {
    expect(await selectFiles(dir, { include: ['dist', 'node_modules', '!dist/nothing'], defaultExclude: false })).toEqual(['dist/c.js']);
  });
});
