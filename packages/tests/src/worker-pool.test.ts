import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENTO_BIN, isRunning, killStragglers, runBento, type Cli } from './helpers/cli';
import { entries, logged, once, poolReady } from './helpers/pool';
import { find, parsePrometheus, promtoolCheck } from './helpers/prometheus';

/**
 * A pool of two workers straight from the built worker-pool module, for what the CLI cannot show
 * quickly: the workers' SIGTERM behaviour is chosen by ON_SIGTERM, the grace period by GRACE_MS,
 * and STOP_ON_CRASH stops the pool in the same tick as a worker's crash schedules its restart.
 */
const POOL_DRIVER = `
const cluster = require('node:cluster');
const { runWorkerPool } = require(process.env.WORKER_POOL_MODULE);
const { RuntimeLog } = require(process.env.RUNTIME_LOG_MODULE);
const logger = new RuntimeLog().logger('Pool');
if (cluster.isPrimary) {
  cluster.on('fork', (worker) => logger.info({ pid: worker.process.pid }, 'forked'));
  runWorkerPool(2, 'Pool', logger, { graceMs: Number(process.env.GRACE_MS) }).then((pool) => {
    // Registered after the pool's own listener: runs right after the crash scheduled its restart.
    if (process.env.STOP_ON_CRASH) cluster.on('exit', () => pool.stop());
  });
} else {
  if (process.env.ON_SIGTERM === 'ignore') process.on('SIGTERM', () => {});
  else process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1000));
  process.send({ type: 'bento:worker-ready', url: 'http://pool.invalid' });
}
`;

/** Starts the pool driver (in a process group of its own, so that stragglers die with it). */
function runPoolDriver(dir: string, env: Record<string, string>): Cli {
  const runtime = path.join(path.dirname(BENTO_BIN), '../runtime');
  const WORKER_POOL_MODULE = path.join(runtime, 'worker-pool.js');
  const RUNTIME_LOG_MODULE = path.join(runtime, 'runtime-log.js');
  return runBento([path.join(dir, 'pool-driver.js')], {
    cwd: dir,
    command: process.execPath,
    env: { WORKER_POOL_MODULE, RUNTIME_LOG_MODULE, ...env },
  });
}

describe('bento serve of a service with workers: 2', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BENTO_BIN))
      throw new Error(`${BENTO_BIN} is missing: build first (npx nx run core:build)`);
    dir = mkdtempSync(path.join(__dirname, '../.tmp-pool-'));
    const source = readFileSync(path.join(__dirname, 'fixtures/pipeline.ts'), 'utf8');
    writeFileSync(
      path.join(dir, 'workers.ts'),
      source.replace("@service({ name: 'Shared' })", "@service({ name: 'Shared', workers: 2 })"),
    );
    writeFileSync(
      path.join(dir, 'broken.ts'),
      `import { api, service } from '@bento/core';
@service({ name: 'Broken', workers: 2 })
export class Broken {
  async onStartup() { throw new Error('model file missing'); }
  @api() async ping() { return 'pong'; }
}
`,
    );
    writeFileSync(path.join(dir, 'pool-driver.js'), POOL_DRIVER);
  });
  afterEach(killStragglers);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("/metrics counts the requests of every worker, whichever worker answers the scrape, and keeps a dead worker's counts", async () => {
    const cli = runBento(
      ['serve', 'workers.ts:Shared', '--standalone', '--port', '0', '--host', '127.0.0.1'],
      { cwd: dir },
    );
    const { url, pids } = await poolReady(cli);
    // Port 0: the workers share the one free port the primary bound, and each logs it.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const listening = await logged(cli, 'Shared listening', 2);
    expect(listening.map((entry) => entry.url)).toEqual([url, url]);

    // Requests until both workers answered some: then neither worker alone counted them all.
    const answeredBy = new Map<number, number>();
    let requests = 0;
    while (answeredBy.size < 2 && requests < 1000) {
      const { status, text } = await once(`${url}/pid`, 'POST', {});
      expect(status).toBe(200);
      requests++;
      answeredBy.set(Number(text), (answeredBy.get(Number(text)) ?? 0) + 1);
    }
    expect([...answeredBy.keys()].sort()).toEqual([...pids].sort());
    for (let i = 0; i < 2; i++)
      expect((await once(`${url}/refuse`, 'POST', { reason: 'no' })).status).toBe(500);
    expect((await once(`${url}/repeat`, 'POST', {})).status).toBe(400);
    expect((await once(`${url}/pid`, 'GET')).status).toBe(405);

    const scrape = async () => {
      const response = await once(`${url}/metrics`, 'GET');
      expect(response.status).toBe(200);
      const { samples } = parsePrometheus(response.text);
      const total = (endpoint: string, code: string) =>
        find(samples, 'bento_service_request_total', {
          endpoint,
          service_name: 'Shared',
          http_response_code: code,
        }).map((s) => s.value);
      return { text: response.text, samples, total };
    };
    for (let i = 0; i < 6; i++) {
      const { samples, total } = await scrape();
      expect(total('/pid', '200')).toEqual([requests]);
      expect(total('/refuse', '500')).toEqual([2]);
      expect(total('/repeat', '400')).toEqual([1]);
      expect(total('/pid', '405')).toEqual([1]);
      const labels = { endpoint: '/pid', service_name: 'Shared', http_response_code: '200' };
      expect(
        find(samples, 'bento_service_request_duration_seconds_count', labels).map((s) => s.value),
      ).toEqual([requests]);
      expect(
        find(samples, 'bento_service_request_duration_seconds_bucket', {
          ...labels,
          le: '+Inf',
        }).map((s) => s.value),
      ).toEqual([requests]);
      // Process metrics merge into one series per name, not one per worker.
      expect(find(samples, 'process_cpu_seconds_total')).toHaveLength(1);
    }
    expect(await promtoolCheck((await scrape()).text)).toEqual({ code: 0, output: '' });

    // A worker that dies takes its counts with it, but the pool's totals must not go down.
    const [victim] = pids;
    process.kill(victim!, 'SIGKILL');
    const after = await poolReady(cli, 2);
    expect(after.pids).not.toContain(victim);
    for (let i = 0; i < 3; i++) expect((await scrape()).total('/pid', '200')).toEqual([requests]);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    for (const pid of [...pids, ...after.pids]) expect(isRunning(pid)).toBe(false);
  });

  it("exits with the workers' exit code when every worker dies at startup, saying why, instead of restarting them", async () => {
    const cli = runBento(
      ['serve', 'broken.ts:Broken', '--standalone', '--port', '0', '--host', '127.0.0.1'],
      { cwd: dir },
    );
    expect(await cli.exited).toBe(1);
    const logs = entries(cli);
    const startupDeaths = logs.filter(
      (entry) => entry.msg === 'Broken worker exited during startup (code 1)',
    );
    expect(startupDeaths.map((entry) => entry.code)).toEqual([1, 1]);
    expect(logs.at(-1)!.msg).toBe(
      'Broken: every worker exited during startup and none became ready; giving up',
    );
    expect(cli.stdout()).not.toMatch(/restarting/);
    expect(cli.stderr()).toMatch(/model file missing/);
  });

  it('kills workers that are still running after the grace period', async () => {
    const cli = runPoolDriver(dir, { GRACE_MS: '500', ON_SIGTERM: 'ignore' });
    const { pids } = await poolReady(cli);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const killed = entries(cli).filter((entry) =>
      entry.msg?.endsWith('still running after the grace period; killing it'),
    );
    expect(killed).toHaveLength(2);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it('does not restart a worker that crashed just before the pool stopped', async () => {
    const cli = runPoolDriver(dir, { GRACE_MS: '30000', STOP_ON_CRASH: '1' });
    const { pids } = await poolReady(cli);
    // The other worker takes 1 s to stop, longer than the restart backoff (200 ms) of this one.
    process.kill(pids[0]!, 'SIGKILL');
    expect(await cli.exited).toBe(0);
    expect(entries(cli).map((entry) => entry.msg)).toContain('Pool worker crashed; restarting');
    expect(entries(cli).filter((entry) => entry.msg === 'forked')).toHaveLength(2);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });
});
