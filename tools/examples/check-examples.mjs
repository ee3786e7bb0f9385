// Type-checks the TypeScript examples of README.md, packages/core/README.md and docs/*.md against the sources of
// @bento/core, so an example that stops compiling fails `npm run typecheck` (and CI).
// Usage: node tools/examples/check-examples.mjs [file.md ...]   (default: README.md packages/core/README.md docs/*.md)
//
// Each document's blocks (see extract-examples.mjs) are written as modules of their own to a
// directory under node_modules/.cache, inside the workspace so that `zod` resolves (one per run,
// removed afterwards); `@bento/core` is mapped to packages/core/src, so no build is needed. Errors
// are reported at the Markdown line.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { extractExamples } from './extract-examples.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, `node_modules/.cache/bento-examples-${process.pid}`);

const documents = process.argv.length > 2
  ? process.argv.slice(2).map((file) => path.resolve(file))
  : [path.join(root, 'README.md'), path.join(root, 'packages/core/README.md'), ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(root, 'docs', f))];

process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
/** Generated file → where its first line is in the Markdown. */
const origins = new Map();
let skipped = 0;
for (const document of documents) {
  // One directory per document, so that each document's `./service` is its own.
  const dir = path.join(outDir, path.relative(root, document).replace(/[^\w.-]+/g, '_'));
  mkdirSync(dir, { recursive: true });
  extractExamples(readFileSync(document, 'utf8')).forEach((block, index) => {
    if (block.skipped) return void skipped++;
    const file = path.join(dir, block.fileName ?? `example-${index + 1}.ts`);
    if (origins.has(file)) throw new Error(`${path.relative(root, document)}:${block.line}: a second block named ${block.fileName}`);
    // `export {}` keeps a block without imports a module of its own, not a script sharing globals.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    origins.set(file, { document, line: block.line });
  });
}
if (origins.size === 0) {
  console.error(`No \`\`\`ts examples found in ${documents.map((d) => path.relative(root, d)).join(', ')}`);
  process.exit(1);
}

const options = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  // ES modules resolved like a bundler: top-level await, extensionless relative imports.
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ['node'],
  typeRoots: [path.join(root, 'node_modules/@types')],
  paths: {
    '@bento/core': [path.join(root, 'packages/core/src/index.ts')],
    '@bento/core/client': [path.join(root, 'packages/core/src/client/index.ts')],
  },
};
const program = ts.createProgram([...origins.keys()], options);
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...[...origins.keys()].flatMap((file) => {
    const source = program.getSourceFile(file);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  }),
];

for (const diagnostic of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const origin = diagnostic.file && origins.get(path.resolve(diagnostic.file.fileName));
  if (!origin) {
    console.error(`error TS${diagnostic.code}: ${message}`);
    continue;
  }
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  console.error(`${path.relative(root, origin.document)}:${origin.line + line}:${character + 1} - error TS${diagnostic.code}: ${message}`);
}
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const summary = `${count(origins.size, 'example')} from ${count(documents.length, 'document')}${skipped ? `, ${count(skipped, 'fragment')} skipped` : ''}`;
if (diagnostics.length > 0) {
  console.error(`Examples do not compile (${summary}).`);
  process.exit(1);
}
console.log(`Examples compile: ${summary}.`);
