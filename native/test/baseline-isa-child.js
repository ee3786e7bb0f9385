// Run by isa.test.ts in a child process with BENTO_NATIVE_ISA=baseline: checks every fixture
// with the portable (non-AVX2) row kernels. Prints the number of mismatching cases.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { gunzipSync } = require('node:zlib');

const binding = require(process.argv[2]);
const dir = path.join(__dirname, 'fixtures', 'canny');
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
let checked = 0;
let bad = 0;
for (const m of manifest.images) {
  const input = new Uint8Array(gunzipSync(readFileSync(path.join(dir, `${m.name}.input.gz`))));
  const expected = gunzipSync(readFileSync(path.join(dir, `${m.name}.expected.gz`)));
  const size = m.width * m.height;
  m.cases.forEach((c, i) => {
    for (const threads of [1, 3]) {
      const out = binding.canny(input, m.width, m.height, m.channels, c.low, c.high, c.aperture, c.l2gradient, 1, threads, false, false);
      checked++;
      if (Buffer.compare(Buffer.from(out), expected.subarray(i * size, (i + 1) * size)) !== 0) bad++;
    }
  });
}
process.stdout.write(JSON.stringify({ checked, bad }));
