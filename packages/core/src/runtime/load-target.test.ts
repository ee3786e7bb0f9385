import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import { getServiceDefinition } from '../sdk/definition';
import { loadServiceTarget, resolveTarget } from './load-target';

const SERVICE = (name: string) => `
import { service, api } from '@bento/core';
import { z } from 'zod';
@service({ name: '${name}' })
export class ${name} {
  @api({ input: z.object({ text: z.string() }) })
  async shout({ text }: { text: string }) { return text.toUpperCase(); }
}
`;

describe('loadServiceTarget', () => {
  // Under the package, not the OS temp dir, so the modules resolve @bento/core and zod like a user's would.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(__dirname, '../../.tmp-load-target-'));
    writeFileSync(path.join(dir, 'one.ts'), SERVICE('One'));
    writeFileSync(path.join(dir, 'two.ts'), SERVICE('First') + SERVICE('Second').replace(/^import.*$/gm, ''));
    writeFileSync(path.join(dir, 'plain.ts'), 'export class NotAService {}\nexport const answer = 42;\n');
    writeFileSync(path.join(dir, 'throws.ts'), "throw new Error('model file missing');\n");
    mkdirSync(path.join(dir, 'project'));
    writeFileSync(path.join(dir, 'project', 'service.ts'), SERVICE('FromBentofile'));
    writeFileSync(path.join(dir, 'project', 'bentofile.yaml'), 'service: service:FromBentofile\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a named export', async () => {
    const cls = await loadServiceTarget('./two.ts:Second', dir);
    expect(getServiceDefinition(cls).name).toBe('Second');
  });

  it('finds the file without its extension', async () => {
    expect(getServiceDefinition(await loadServiceTarget('two:First', dir)).name).toBe('First');
  });

  it('picks the only service of a module when no export is named', async () => {
    expect(getServiceDefinition(await loadServiceTarget('one.ts', dir)).name).toBe('One');
  });

  it('asks for a name when a module has several services', async () => {
    await expect(loadServiceTarget('two.ts', dir)).rejects.toThrow('Module two.ts exports several services (First, Second); name one: two.ts:First');
  });

  it('reads service: from bentofile.yaml when no target is given', async () => {
    const cls = await loadServiceTarget(undefined, path.join(dir, 'project'));
    expect(getServiceDefinition(cls).name).toBe('FromBentofile');
  });

  it('says how to give a target when there is no bentofile', async () => {
    await expect(loadServiceTarget(undefined, dir)).rejects.toThrow(`No service given and no bentofile.yaml in ${dir}; run "bento serve ./service.ts:MyService"`);
  });

  it('names a missing module and where it looked', async () => {
    const error = await loadServiceTarget('./nope.ts:X', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('Cannot find the service module "./nope.ts" (looked for nope.ts)');
    await expect(loadServiceTarget('nope', dir)).rejects.toThrow(/Cannot find the service module "nope" \(looked for nope, nope\.ts, .*nope\/index\.ts/);
  });

  it('lists the exports when the named one is missing', async () => {
    await expect(loadServiceTarget('plain.ts:Describe', dir)).rejects.toThrow('Module plain.ts has no export named Describe (its exports: NotAService, answer)');
  });

  it('says an export that is not a service must be decorated', async () => {
    await expect(loadServiceTarget('plain.ts:NotAService', dir)).rejects.toThrow('Export NotAService of plain.ts is not a service: decorate the class with @service()');
    await expect(loadServiceTarget('plain.ts', dir)).rejects.toThrow('Module plain.ts exports no service class');
  });

  it('reports a module that throws while loading', async () => {
    await expect(loadServiceTarget('throws.ts', dir)).rejects.toThrow('Cannot load the service module throws.ts: model file missing');
  });
});

describe('resolveTarget', () => {
  it('splits module and export, and leaves a Windows drive letter alone', () => {
    expect(resolveTarget(__filename + ':Thing')).toEqual({ file: __filename, exportName: 'Thing' });
    expect(resolveTarget(__filename)).toEqual({ file: __filename, exportName: undefined });
    expect(() => resolveTarget('C:\\x\\service.ts', '/')).toThrow(/Cannot find the service module "C:\\x\\service.ts"/);
  });
});
