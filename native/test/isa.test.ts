// The AVX2 and the portable row kernels must give the same bits; the in-process suite uses
// whichever this CPU picks, so the portable one is checked here in a child process.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

test('the portable (non-AVX2) kernels match every OpenCV fixture', () => {
  const addon = path.join(__dirname, '..', 'build', 'Release', 'bento_native.node');
  const out = execFileSync(process.execPath, [path.join(__dirname, 'baseline-isa-child.js'), addon], {
    env: { ...process.env, BENTO_NATIVE_ISA: 'baseline' },
    encoding: 'utf8',
  });
  const { checked, bad } = JSON.parse(out) as { checked: number; bad: number };
  expect(checked).toBeGreaterThan(500);
  expect(bad).toBe(0);
});
