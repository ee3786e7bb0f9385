import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '@bento/core';
import { Front, lifecycleEvents, NeedsBroken } from './fixtures/startup-graph';
import { BENTO_BIN, killStragglers, runBento } from './helpers/cli';
import { postJson, serveForTest } from './helpers/server';
import { unusedUrl, until } from './helpers/wait';

describe('startup of in-process dependencies', () => {
  beforeEach(() => {
    lifecycleEvents.length = 0;
  });

  it('starts every in-process dependency in graph order before the service is ready, and stops them in reverse', async () => {
    const running = await serveForTest(Front);
    // Nothing was called yet: the graph was started, dependencies first, before serve() resolved.
    expect(lifecycleEvents).toEqual(['Weights up', 'Encoder up', 'Front up']);
    expect((await postJson(`${running.url}/events`, {})).json).toEqual(['Weights up', 'Encoder up', 'Front up']);
    await running.close();
    expect(lifecycleEvents.slice(3)).toEqual(['Front down', 'Encoder down', 'Weights down']);
  });

  it('fails serve() with the failed dependency named, stops what started, and leaves nothing listening', async () => {
    const url = await unusedUrl();
    const started = serveForTest(NeedsBroken, { port: Number(new URL(url).port) });
    await expect(started).rejects.toThrow(StartupError);
    await expect(started).rejects.toThrow('Service Broken failed to start: no model at models/sdxl');
    expect(lifecycleEvents).toEqual(['Weights up', 'Weights down']);
    await expect(fetch(`${url}/livez`)).rejects.toThrow();
  });
});

describe('bento serve when a service cannot start', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-startup-'));
    copyFileSync(path.join(__dirname, 'fixtures/startup-graph.ts'), path.join(dir, 'graph.ts'));
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 when onStartup throws, logging the error with its cause', async () => {
    const cli = runBento(['serve', 'graph.ts:Broken', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe('bento: Service Broken failed to start: no model at models/sdxl\n');
    const failure = cli
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; err?: { message: string; stack: string } })
      .find((entry) => entry.level === 'error');
    expect(failure).toMatchObject({ msg: 'Service Broken failed to start: no model at models/sdxl' });
    expect(failure!.err!.stack).toContain('caused by: Error: ENOENT: no such file or directory');
    expect(cli.stdout()).not.toContain('Broken listening');
  });

  it('fails the whole graph at once when a child exits during startup, naming it with its last log lines', async () => {
    // The default --ready-timeout is 600 s: an answer before Jest's timeout means it did not wait for it.
    const cli = runBento(['serve', 'graph.ts:NeedsBroken', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    expect(await cli.exited).toBe(1);
    const stderr = cli.stderr();
    expect(stderr).toContain('bento: Service Broken did not start: it exited during startup (exit code 1); its last log lines:\n');
    expect(stderr).toContain('error: Service Broken failed to start: no model at models/sdxl (no model at models/sdxl: ENOENT: no such file or directory)');
    // Broken's dependants were never started; Weights, started before it, was stopped.
    expect(cli.stdout()).not.toContain('NeedsBroken starting');
    expect(cli.stdout()).toContain('Weights stopped');
  });

  it('gives up on a service that is not ready within --ready-timeout', async () => {
    const cli = runBento(['serve', 'graph.ts:NeedsHangs', '--port', '0', '--host', '127.0.0.1', '--ready-timeout', '4'], { cwd: dir });
    expect(await cli.exited).toBe(1);
    // Whether Hangs got as far as listening in 4 s depends on the machine's load; the verdict does not.
    expect(cli.stderr()).toMatch(/^bento: Service Hangs did not start: not ready within 4s \(/);
    expect(cli.stdout()).not.toContain('NeedsHangs starting');
  });

  it('refuses a --ready-timeout that is not a number of seconds', async () => {
    const cli = runBento(['serve', 'graph.ts:NeedsHangs', '--ready-timeout', 'soon'], { cwd: dir });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('Expected a number of seconds greater than 0 but received "soon"');
  });

  it('answers 503 with Retry-After while onStartup runs, and serves once it finished', async () => {
    const cli = runBento(['serve', 'graph.ts:Hangs', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const starting = await waitForLine(cli.stdout, 'Hangs starting');
    const url = (JSON.parse(starting) as { url: string }).url;
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const call = await postJson(`${url}/never`, {});
    expect(call.status).toBe(503);
    expect(call.headers.get('retry-after')).toBe('5');
    expect(call.json.error).toEqual({ code: 'service_unavailable', message: 'Service Hangs is starting: its onStartup has not finished', details: { retry_after_seconds: 5 } });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});

/** The first line of `output` that holds `text`, once there is one. */
async function waitForLine(output: () => string, text: string): Promise<string> {
  const find = () => output().split('\n').find((line) => line.includes(text));
  await until(() => find() !== undefined, `a line with ${JSON.stringify(text)}`, 30_000);
  return find()!;
}
