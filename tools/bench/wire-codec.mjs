#!/usr/bin/env node
// Micro-benchmark of the interservice wire codec (application/vnd.bento.frames) on a 3 MiB
// Uint8Array, against a plain Buffer.from copy of the same bytes. Runs the compiled output:
//   npx nx run core:build && node tools/bench/wire-codec.mjs [--runs 2000]
// Prints medians in microseconds, one JSON line per case.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { encodeFrames, decodeFrames } = require(path.join(root, 'packages/core/dist/wire/index.js'));

const runsArg = process.argv.indexOf('--runs');
const defaultRuns = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 2000;
const SIZE = 3 * 1024 * 1024;
const data = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) data[i] = (i * 2654435761) >>> 24;

/** Median and 90th percentile of `runs` timed calls, after a warm-up. */
function measure(name, fn, runs = defaultRuns) {
  for (let i = 0; i < Math.min(200, runs); i++) fn();
  const times = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times[i] = Number(process.hrtime.bigint() - t) / 1e3;
  }
  times.sort();
  const row = {
    case: name,
    median_us: +times[runs >> 1].toFixed(2),
    p90_us: +times[Math.floor(runs * 0.9)].toFixed(2),
    runs,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** The body as the receiver holds it after readFramesBody: one aligned buffer. */
function join({ chunks, byteLength }) {
  const out = Buffer.allocUnsafeSlow(byteLength);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const value = { prompt: 'a photo of a cat', steps: 25, data };
const body = join(encodeFrames(value));
let sink = 0;

console.log(
  JSON.stringify({
    node: process.version,
    size_bytes: SIZE,
    body_bytes: body.length,
    command: `node tools/bench/wire-codec.mjs --runs ${defaultRuns}`,
  }),
);
measure('Buffer.from copy of 3 MiB (baseline)', () => {
  sink += Buffer.from(data).length;
});
measure('encodeFrames', () => {
  sink += encodeFrames(value).byteLength;
});
measure('decodeFrames (aligned body)', () => {
  sink += decodeFrames(body).data.length;
});
measure('encodeFrames + decodeFrames', () => {
  encodeFrames(value);
  sink += decodeFrames(body).data.length;
});
measure('encodeFrames + join (the receive copy) + decodeFrames', () => {
  sink += decodeFrames(join(encodeFrames(value))).data.length;
});
// What the same call costs as plain JSON with the bytes in base64: far fewer runs, it is slow.
measure(
  'JSON + base64 round trip (for scale)',
  () => {
    const text = JSON.stringify({
      ...value,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    });
    sink += Buffer.from(JSON.parse(text).data, 'base64').length;
  },
  Math.max(20, Math.floor(defaultRuns / 40)),
);
if (sink === 0) console.log('unreachable: keeps the work from being optimised away');
