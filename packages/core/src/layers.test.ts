// Layers point one way. Every folder of src/ is a layer and may import only from the layers below
// it, listed here; index.ts files are the public entries and may import anything. A new upward
// import fails this test: move the shared piece down instead (see docs/architecture.md).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = __dirname;

/** What each layer may import from; `sdk:types` means type-only imports of the SDK. */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  config: ['errors'],
  wire: ['errors'],
  sdk: ['config', 'wire', 'errors'],
  server: ['sdk', 'config', 'wire', 'errors'],
  client: ['sdk:types', 'wire', 'errors'],
  runtime: ['server', 'client', 'sdk', 'config', 'wire', 'errors'],
  deploy: ['runtime', 'sdk', 'config', 'errors'],
  cli: ['deploy', 'runtime', 'sdk', 'config', 'errors'],
};

/** Packages a layer may load at run time, where it matters: the client must run without native installs. */
const RUNTIME_PACKAGES: Record<string, RegExp> = {
  client: /^node:/,
  wire: /^node:/,
};

interface Import {
  from: string;
  typeOnly: boolean;
}

/** The imports of a TypeScript source: `import`/`export … from`, `import()`, `require()`. */
export function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) {
    const [, , typeKeyword, clause, from] = match;
    // `import { type A, type B }` is type-only too; `import { A, type B }` is not.
    const names = /\{([^}]*)\}/.exec(clause!)?.[1]?.split(',').map((n) => n.trim()).filter(Boolean);
    const allTyped = names !== undefined && names.length > 0 && !/^\s*\w+\s*,/.test(clause!) && names.every((n) => n.startsWith('type '));
    found.push({ from: from!, typeOnly: Boolean(typeKeyword) || allTyped });
  }
  for (const match of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ from: match[1]!, typeOnly: false });
  for (const match of source.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ from: match[1]!, typeOnly: false });
  return found;
}

/** The layer of a file under src/: its top folder, or `errors` for errors.ts; undefined for entries. */
function layerOf(file: string): string | undefined {
  const [top, ...rest] = file.split('/');
  if (rest.length === 0) return top === 'errors.ts' ? 'errors' : undefined;
  if (rest.at(-1) === 'index.ts' && rest.length === 1 && top !== 'wire') return undefined;
  return top;
}

/** Every way `files` (path under src/ → source) break the layers, as readable lines. */
export function layerViolations(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, source] of files) {
    const layer = layerOf(file);
    if (!layer) continue;
    const allowed = ALLOWED[layer];
    if (!allowed) {
      problems.push(`${file}: the folder ${layer} is not a known layer (add it to ALLOWED)`);
      continue;
    }
    for (const { from, typeOnly } of importsOf(source)) {
      if (!from.startsWith('.')) {
        const packages = RUNTIME_PACKAGES[layer];
        if (packages && !typeOnly && !packages.test(from)) problems.push(`${file}: ${layer} loads the package ${from} at run time`);
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), from));
      // Outside src/ (the package's own package.json): not a layer.
      if (target.startsWith('..')) continue;
      const targetLayer = target === 'errors' ? 'errors' : target.split('/')[0]!;
      if (targetLayer === layer) continue;
      if (target === 'index' || target.endsWith('/index') && target.split('/').length === 2 && targetLayer !== 'wire') {
        problems.push(`${file}: imports the public entry ${target}; import the module itself`);
      } else if (allowed.includes(targetLayer)) {
        continue;
      } else if (typeOnly && allowed.includes(`${targetLayer}:types`)) {
        continue;
      } else {
        const what = allowed.includes(`${targetLayer}:types`) ? 'imports values from' : 'imports';
        problems.push(`${file}: ${layer} ${what} ${targetLayer} (${from}); ${layer} may import ${allowed.join(', ') || 'nothing'}`);
      }
    }
  }
  return problems;
}

function sourcesUnder(dir: string, base = dir): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of sourcesUnder(full, base)) files.set(k, v);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.set(path.relative(base, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}

describe('layers of @bento/core', () => {
  it('point one way: sdk → (config, wire, errors); server → sdk; client → sdk types; runtime → server, client; deploy → runtime; cli → deploy, runtime', () => {
    expect(layerViolations(sourcesUnder(SRC))).toEqual([]);
  });

  it('catches an upward import, a value import where only types may go, and a native package in the client', () => {
    const files = new Map([
      ['sdk/api.ts', "import type { ApiContext } from '../server/api-handler';"],
      ['server/create-server.ts', "import { httpGetStatus } from '../runtime/http-get';"],
      ['client/wire-format.ts', "import { decodeImage, type Image } from '../sdk/image';\nimport type { ServiceClass } from '../sdk/definition';"],
      ['client/decode.ts', "import sharp from 'sharp';\nimport { Buffer } from 'node:buffer';"],
      ['cli/serve.ts', "import { removeStaleSocket } from '../server/stale-socket';"],
      ['runtime/serve.ts', "import { ServiceServer } from '../server/create-server';\nimport { createClient } from '../client/create-client';"],
    ]);
    expect(layerViolations(files)).toEqual([
      'sdk/api.ts: sdk imports server (../server/api-handler); sdk may import config, wire, errors',
      'server/create-server.ts: server imports runtime (../runtime/http-get); server may import sdk, config, wire, errors',
      'client/wire-format.ts: client imports values from sdk (../sdk/image); client may import sdk:types, wire, errors',
      'client/decode.ts: client loads the package sharp at run time',
      'cli/serve.ts: cli imports server (../server/stale-socket); cli may import deploy, runtime, sdk, config, errors',
    ]);
  });

  it('reads type-only imports as type-only, and mixed ones as values', () => {
    expect(importsOf("import type { A } from './a';\nimport { type B, type C } from './b';\nimport { D, type E } from './d';\nexport { F } from './f';")).toEqual([
      { from: './a', typeOnly: true },
      { from: './b', typeOnly: true },
      { from: './d', typeOnly: false },
      { from: './f', typeOnly: false },
    ]);
  });
});
