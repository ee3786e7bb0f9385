// Issue 2's benchmark: a trivial JSON API served by `bento serve` against the same answer from a
// bare node:http server, 10 keep-alive connections, latencies timed per request in µs.
// Usage: node tools/bench/serve-throughput.mjs [--seconds 5] [--rounds 3] [--connections 10]
//   [--workers N] [--traffic JSON]: serve Hello with N workers (its pool's primary counts
//   max_concurrency for all of them) and/or other traffic options, e.g.
//   --traffic '{"max_concurrency":4,"external_queue":true}' (fewer slots than connections: requests queue).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from './lib/child-server.mjs';
import { runLoad, summarize } from './lib/load-client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1' },
    traffic: { type: 'string' },
  },
});
const workers = Number(values.workers);
const overrides = { workers, ...(values.traffic ? { traffic: JSON.parse(values.traffic) } : {}) };
const bento = workers > 1 ? `bento serve (${workers} workers)` : 'bento serve';
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const body = JSON.stringify({ name: 'bento' });

const servers = {
  'bare node:http': () => startServer(process.execPath, [path.join(here, 'bare-server.mjs')]),
  // With workers, --standalone serves the pool in this process tree directly; it is ready once all are.
  [bento]: () =>
    startServer(
      process.execPath,
      [path.join(root, 'packages/core/dist/cli/bin.js'), 'serve', path.join(here, 'services/hello.ts') + ':Hello', '--port', '0', '--host', '127.0.0.1', ...(workers > 1 ? ['--standalone'] : [])],
      { cwd: here, env: { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Hello: overrides }) }, readyLine: workers > 1 ? 'workers ready' : 'listening' },
    ),
};
const paths = { 'bare node:http': '/hello', [bento]: '/hello' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, start] of Object.entries(servers)) {
    const server = await start();
    try {
      await runLoad({ url: server.url, path: paths[name], body, connections, seconds: 1 }); // warm-up
      const summary = summarize(await runLoad({ url: server.url, path: paths[name], body, connections, seconds }));
      if (Object.keys(summary.statuses).some((s) => s !== '200')) throw new Error(`${name} answered ${JSON.stringify(summary.statuses)}`);
      results[name].push(summary);
      console.error(`round ${round + 1} ${name}: ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50.toFixed(0)} µs, p99 ${summary.p99.toFixed(0)} µs`);
    } finally {
      await server.stop();
    }
  }
}

const rows = Object.entries(results).map(([name, runs]) => ({
  name,
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
}));
const bare = rows[0];
console.log(`| server | req/s | p50 µs | p99 µs | throughput vs bare |`);
console.log(`|---|---|---|---|---|`);
for (const row of rows) {
  console.log(`| ${row.name} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(0)} | ${row.p99.toFixed(0)} | ${(row.rps / bare.rps).toFixed(2)}× |`);
}
console.log(`\n${connections} connections, ${seconds} s per run, median of ${rounds} rounds; Node ${process.version}.`);
