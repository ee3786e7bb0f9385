import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CHECKER = path.join(__dirname, '../../../tools/examples/check-examples.mjs');

// `npm run typecheck` runs the checker over README.md and docs/*.md; this shows it can fail.
describe('the examples checker', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bento-examples-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on an example that does not compile, at its Markdown line; compiles the rest; skips fragments', () => {
    const markdown = [
      '# Guide', // 1
      '', // 2
      '```ts', // 3
      '// service.ts', // 4
      "import { api, service, type ApiInput } from '@bento/core';", // 5
      "import { z } from 'zod';", // 6
      'const Input = z.object({ n: z.number().default(1) });', // 7
      "@service({ name: 'S' })", // 8
      'export class S {', // 9
      '  @api({ input: Input })', // 10
      '  async twice({ n }: ApiInput<typeof Input>) { return n * 2; }', // 11
      '}', // 12
      '```', // 13
      '', // 14
      '```ts', // 15
      '// client.ts', // 16
      "import { createClient } from '@bento/core/client';", // 17
      "import type { S } from './service';", // 18
      "const client = createClient<typeof S>('http://localhost:3000');", // 19
      'const doubled: number = await client.twice({});', // 20
      "await client.twice({ n: 'two' });", // 21
      'console.log(doubled);', // 22
      '```', // 23
      '', // 24
      '```ts fragment', // 25
      'this is not TypeScript', // 26
      '```', // 27
    ].join('\n');
    const file = path.join(dir, 'guide.md');
    writeFileSync(file, markdown);
    const run = spawnSync(process.execPath, [CHECKER, file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const errors = run.stderr.split('\n').filter((line) => line.includes(' - error TS'));
    expect(errors).toEqual([expect.stringMatching(/guide\.md:21:\d+ - error TS2322: Type 'string' is not assignable to type 'number'/)]);
    expect(run.stderr).toContain('Examples do not compile (2 examples from 1 document, 1 fragment skipped).');
  });
});
