import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeImage } from './helpers/images';
import { BENTO_BIN, killStragglers, listeningUrl, runBento } from './helpers/cli';

const SERVICE = `
import { service, api, Image } from '@bento/core';
import { z } from 'zod';
const Params = z.object({ prompt: z.string().min(1), num_inference_steps: z.number().int().min(1).max(100).default(25) });
@service({ name: 'Describe', resources: { cpu: '1' }, traffic: { timeout: 30, max_concurrency: 8 } })
export class Describe {
  @api({ input: z.object({ image: Image(), params: Params }) })
  async describe({ image, params }: { image: Image; params: z.infer<typeof Params> }) {
    return { width: image.width, height: image.height, prompt: params.prompt };
  }
}
export class NotAService {}
export const helper = 1;
`;

const NEEDS_ENV = `
import { service, api } from '@bento/core';
@service({ name: 'NeedsToken', envs: [{ name: 'BENTO_CLI_TEST_TOKEN' }] })
export class NeedsToken {
  @api()
  async token() { return { token: process.env.BENTO_CLI_TEST_TOKEN }; }
}
`;

describe('bento CLI', () => {
  // Under the workspace so the service module resolves @bento/core and zod from node_modules.
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-cli-'));
    writeFileSync(path.join(dir, 'service.ts'), SERVICE);
    writeFileSync(path.join(dir, 'needs-env.ts'), NEEDS_ENV);
    mkdirSync(path.join(dir, 'project'));
    writeFileSync(path.join(dir, 'project', 'service.ts'), SERVICE);
    writeFileSync(path.join(dir, 'project', 'bentofile.yaml'), 'service: service:Describe\n');
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a TypeScript service file, answers, and stops with exit code 0 on SIGTERM', async () => {
    const cli = runBento(['serve', 'service.ts:Describe', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const url = await listeningUrl(cli);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const form = new FormData();
    form.append('image', new Blob([await makeImage('png', 12, 7)], { type: 'image/png' }), 'a.png');
    form.append('params', JSON.stringify({ prompt: 'from the cli' }));
    const response = await fetch(`${url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ width: 12, height: 7, prompt: 'from the cli' });

    const listening = JSON.parse(cli.stdout().split('\n').find((l) => l.includes(' listening'))!) as Record<string, unknown>;
    expect(listening).toMatchObject({ msg: 'Describe listening', service: 'Describe', level: 'info', apis: ['/describe'] });

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('Describe stopped');
    expect(cli.stderr()).toBe('');
  });

  it('reads service: from bentofile.yaml when no target is given', async () => {
    const cli = runBento(['serve', '--port', '0', '--host', '127.0.0.1'], { cwd: path.join(dir, 'project') });
    const url = await listeningUrl(cli);
    const docs = (await (await fetch(`${url}/docs.json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(docs.info.title).toBe('Describe');
    expect(Object.keys(docs.paths)).toContain('/describe');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('prints help', async () => {
    const help = runBento(['--help'], { cwd: dir });
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: bento /);
    expect(help.stdout()).toContain('serve');

    const serveHelp = runBento(['serve', '--help'], { cwd: dir });
    expect(await serveHelp.exited).toBe(0);
    expect(serveHelp.stdout()).toMatch(/^Usage: bento serve \[options\] \[target\]/);
    for (const option of ['--port', '--host', '--max-body-size', 'bentofile.yaml']) expect(serveHelp.stdout()).toContain(option);
  });

  it('prints its version', async () => {
    const cli = runBento(['--version'], { cwd: dir });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['a missing module', ['serve', 'missing.ts:Describe'], 'bento: Cannot find the service module "missing.ts" (looked for missing.ts)'],
    ['a missing export', ['serve', 'service.ts:Nope'], 'bento: Module service.ts has no export named Nope (its exports: Describe, NotAService, helper)'],
    ['a class that is not a service', ['serve', 'service.ts:NotAService'], 'bento: Export NotAService of service.ts is not a service: decorate the class with @service()'],
    ['a variable listed in envs that is not set', ['serve', 'needs-env.ts'], 'bento: Service NeedsToken needs the environment variable BENTO_CLI_TEST_TOKEN'],
    ['no target and no bentofile', ['serve'], 'bento: No service given and no bentofile.yaml in'],
    ['a bad port', ['serve', 'service.ts', '--port', 'http'], 'Expected a port from 0 to 65535 but received "http"'],
    ['a bad body size', ['serve', 'service.ts', '--max-body-size', 'huge'], 'Expected a size like 100mb, 512kb or 1048576 but received "huge"'],
  ])('fails clearly on %s', async (_what, args, message) => {
    // Should one of these serve after all, it must not take a fixed port.
    const extra = args.includes('--port') ? [] : ['--port', '0', '--host', '127.0.0.1'];
    const cli = runBento([...args, ...extra], { cwd: dir, env: { BENTO_CLI_TEST_TOKEN: undefined } });
    const code = await cli.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(cli.stderr()).toContain(message);
    // Errors we raise are one line, not a stack trace.
    expect(cli.stderr()).not.toMatch(/^\s+at /m);
  });

  it('applies --max-body-size', async () => {
    const cli = runBento(['serve', 'service.ts:Describe', '--port', '0', '--host', '127.0.0.1', '--max-body-size', '1kb'], { cwd: dir });
    const url = await listeningUrl(cli);
    const response = await fetch(`${url}/describe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: 'A'.repeat(2048) }) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { details: unknown } }).error.details).toEqual({ limit_bytes: 1024 });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('serves with a variable listed in envs when it is set', async () => {
    const cli = runBento(['serve', 'needs-env.ts', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env: { BENTO_CLI_TEST_TOKEN: 'secret-1' } });
    const url = await listeningUrl(cli);
    const response = await fetch(`${url}/token`, { method: 'POST' });
    expect(await response.json()).toEqual({ token: 'secret-1' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
