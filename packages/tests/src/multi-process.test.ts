import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENTO_BIN, isRunning, killStragglers, runBento, type Cli } from './helpers/cli';
import { postJson } from './helpers/server';

/** Waits for the supervisor's `service graph ready` line and returns it. */
async function graphReady(cli: Cli, timeoutMs = 60_000): Promise<{ url: string; pids: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = cli.stdout().split('\n').find((l) => l.includes('"service graph ready"'));
    if (line) return JSON.parse(line) as { url: string; pids: Record<string, number> };
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "service graph ready" line; stdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`);
}


async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** S1 → S2 → S3 → S4 → S5: each adds its own name to the path. */
const CHAIN_OF_FIVE = `
import { api, depends, service } from '@bento/core';
import { z } from 'zod';
const Input = z.object({ path: z.array(z.string()) });
@service({ name: 'S5' }) export class S5 {
  @api({ input: Input }) async hop({ path }: { path: string[] }) { return [...path, 'S5@' + process.pid]; }
}
@service({ name: 'S4' }) export class S4 { next = depends(S5);
  @api({ input: Input }) async hop({ path }: { path: string[] }) { return this.next.hop({ path: [...path, 'S4@' + process.pid] }); }
}
@service({ name: 'S3' }) export class S3 { next = depends(S4);
  @api({ input: Input }) async hop({ path }: { path: string[] }) { return this.next.hop({ path: [...path, 'S3@' + process.pid] }); }
}
@service({ name: 'S2' }) export class S2 { next = depends(S3);
  @api({ input: Input }) async hop({ path }: { path: string[] }) { return this.next.hop({ path: [...path, 'S2@' + process.pid] }); }
}
@service({ name: 'S1' }) export class S1 { next = depends(S2);
  @api({ input: Input }) async hop({ path }: { path: string[] }) { return this.next.hop({ path: [...path, 'S1@' + process.pid] }); }
}
`;

describe('bento serve of a graph, every service in its own process', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BENTO_BIN)) throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-graph-'));
    copyFileSync(path.join(__dirname, 'fixtures/pipeline.ts'), path.join(dir, 'graph.ts'));
    const source = readFileSync(path.join(dir, 'graph.ts'), 'utf8');
    writeFileSync(path.join(dir, 'chain.ts'), CHAIN_OF_FIVE);
    writeFileSync(path.join(dir, 'workers.ts'), source.replace("@service({ name: 'Shared' })", "@service({ name: 'Shared', workers: 2 })"));
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a diamond with one process per service, survives a crash of the shared one, and stops clean', async () => {
    const cli = runBento(['serve', 'graph.ts:Entry', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const { url, pids } = await graphReady(cli);
    expect(Object.keys(pids).sort()).toEqual(['Entry', 'Left', 'Right', 'Shared']);
    expect(new Set(Object.values(pids)).size).toBe(4);
    for (const [name, pid] of Object.entries(pids)) {
      // Each service is its own process (and process group), serving exactly that service.
      // …started with the Node flags of node-flags.ts (a heap sized for tensor traffic).
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--initial-old-space-size=256', '--service', name]));
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[4]).toBe(String(pid));
    }
    const first = await postJson(`${url}/both`, { text: 'Hi' });
    expect(first.json).toEqual({ loud: 'HIHI!', quiet: 'hihihi…' });
    // The entry's port is the public one: it does not serve the internal route at all.
    expect((await postJson(`${url}/_bento/call/both`, { text: 'Hi' })).status).toBe(404);

    process.kill(pids.Shared!, 'SIGKILL');
    const down = await eventually(async () => {
      const r = await postJson(`${url}/both`, { text: 'Hi' });
      return r.status === 503 ? r : undefined;
    }, 2_000).catch(() => undefined);
    // The restart may already have happened; when the call failed, it named Shared.
    if (down) expect(down.json.error.message).toMatch(/Service Shared is unavailable/);
    const back = await eventually(async () => {
      const r = await postJson(`${url}/both`, { text: 'Hi' });
      return r.status === 200 ? r : undefined;
    }, 15_000);
    expect(back.json).toEqual({ loud: 'HIHI!', quiet: 'hihihi…' });
    expect(cli.stdout()).toMatch(/"msg":"Shared crashed; restarting"/);

    const socketDir = /"service_map":\{"Shared":"unix:\/\/([^"]+)\/Shared\.sock"/.exec(cli.stdout())?.[1];
    expect(socketDir).toBeDefined();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(false);
    expect(existsSync(socketDir!)).toBe(false);
  });

  it('runs workers: 2 as two processes sharing the socket, under the service\'s own process', async () => {
    const cli = runBento(['serve', 'workers.ts:Entry', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const { url, pids } = await graphReady(cli);
    const workers = readFileSync(`/proc/${pids.Shared}/task/${pids.Shared}/children`, 'utf8').trim().split(/\s+/).map(Number);
    expect(workers).toHaveLength(2);
    const answered = new Set<number>();
    for (let i = 0; i < 10; i++) answered.add((await postJson(`${url}/sharedPid`, {})).json);
    for (const pid of answered) expect(workers).toContain(pid);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    for (const pid of [...workers, ...Object.values(pids)]) expect(isRunning(pid)).toBe(false);
  });

  it('serves a chain of five, each hop in its own process', async () => {
    const cli = runBento(['serve', 'chain.ts:S1', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const { url, pids } = await graphReady(cli);
    const { status, json } = await postJson(`${url}/hop`, { path: [] });
    expect(status).toBe(200);
    expect(json).toEqual(['S1', 'S2', 'S3', 'S4', 'S5'].map((name) => `${name}@${pids[name]}`));
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--development answers the same in one process', async () => {
    const cli = runBento(['serve', 'graph.ts:Entry', '--development', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
    const line = await eventually(async () => cli.stdout().split('\n').find((l) => l.includes('Entry listening')), 30_000);
    const { url } = JSON.parse(line) as { url: string };
    expect((await postJson(`${url}/both`, { text: 'Hi' })).json).toEqual({ loud: 'HIHI!', quiet: 'hihihi…' });
    expect(cli.stdout()).not.toMatch(/Shared listening/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
