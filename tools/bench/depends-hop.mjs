// Issue 3's benchmark: the cost of one depends() hop. One connection, sequential calls, each timed
// in µs, against a bare node:http server measured in the same run:
//   (a) small JSON: client → Front → Back (own process, Unix socket) → Front → client, and the same
//       answer from Front without the hop; the hop's cost is the difference, compared with a bare
//       small-JSON call;
//   (b) a 3 MiB Uint8Array (a uint8 Tensor) the same way, compared with a bare echo of 3 MiB.
// Also measured: the floor, a raw round trip of the same bytes through another Node process over a
// Unix socket (lib/socket-floor.mjs): a hop costs at least one of those more than a bare call.
// The bare server runs with the same Node flags bento gives its service processes (node-flags.ts).
// Usage: node tools/bench/depends-hop.mjs [--seconds 4] [--rounds 3] [--tcp]
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from './lib/child-server.mjs';
import { runLoad, summarize } from './lib/load-client.mjs';
import { socketRoundTrip } from './lib/socket-floor.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, tcp: { type: 'boolean', default: false } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const small = JSON.stringify({ name: 'bento' });
const big = randomBytes(3 * 1024 * 1024);
const boundary = 'bentobenchboundary';
const multipart = Buffer.concat([
  Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="bytes"; filename="b.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`),
  big,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);

const tensorCall = { body: multipart, contentType: `multipart/form-data; boundary=${boundary}`, accept: 'application/octet-stream' };
const cases = {
  'small JSON': {
    bare: { path: '/hello', body: small },
    here: { path: '/helloHere', body: small },
    hop: { path: '/hello', body: small },
  },
  '3 MiB Uint8Array': {
    bare: { path: '/echo', body: big, contentType: 'application/octet-stream' },
    here: { path: '/echoHere', ...tensorCall },
    hop: { path: '/echo', ...tensorCall },
  },
};

// The same flags `bento serve` starts every service process with (BENTO_NODE_FLAGS if set).
const { serviceNodeFlags } = (await import(path.join(root, 'packages/core/dist/runtime/node-flags.js'))).default;
const nodeFlags = serviceNodeFlags();
const floorBytes = { 'small JSON': small.length, '3 MiB Uint8Array': big.length };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, bytes] of Object.entries(floorBytes)) ((results[name] ??= { bare: [], here: [], hop: [], floor: [] }).floor).push(await socketRoundTrip(bytes, seconds));
  const bare = await startServer(process.execPath, [...nodeFlags, path.join(here, 'bare-echo-server.mjs')]);
  const bento = await startServer(process.execPath, [path.join(root, 'packages/core/dist/cli/bin.js'), 'serve', 'services/hop.ts:Front', '--port', '0', '--host', '127.0.0.1', ...(values.tcp ? ['--tcp'] : [])], { cwd: here, readyLine: 'service graph ready' });
  try {
    for (const [name, targets] of Object.entries(cases)) {
      for (const [server, target] of [['bare', bare], ['here', bento], ['hop', bento]]) {
        const options = { url: target.url, connections: 1, ...targets[server] };
        await runLoad({ ...options, seconds: 0.5 });
        const summary = summarize(await runLoad({ ...options, seconds }));
        if (Object.keys(summary.statuses).some((s) => s !== '200')) throw new Error(`${server} ${name}: ${JSON.stringify(summary.statuses)}`);
        results[name][server].push(summary);
        console.error(`round ${round + 1} ${name} ${server}: p50 ${summary.p50.toFixed(0)} µs, p99 ${summary.p99.toFixed(0)} µs (${summary.requests} calls)`);
      }
    }
  } finally {
    await bare.stop();
    await bento.stop();
  }
}

console.log('| case | bare p50 µs | Front alone p50 µs | through the hop p50 µs (p99) | the hop adds | added / bare | floor: socket round trip µs (/ bare) |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, { bare, here, hop, floor }] of Object.entries(results)) {
  const b = median(bare.map((r) => r.p50));
  const h = median(here.map((r) => r.p50));
  const t = median(hop.map((r) => r.p50));
  const f = median(floor);
  console.log(
    `| ${name} | ${b.toFixed(0)} | ${h.toFixed(0)} | ${t.toFixed(0)} (${median(hop.map((r) => r.p99)).toFixed(0)}) | ${(t - h).toFixed(0)} µs | ${((t - h) / b).toFixed(2)}× | ${f.toFixed(0)} (${(f / b).toFixed(2)}×) |`,
  );
}
console.log(`\n1 connection, ${seconds} s per case, median of ${rounds} rounds; dependencies on ${values.tcp ? 'TCP' : 'Unix sockets'}; Node ${process.version} ${nodeFlags.join(' ')}.`);
