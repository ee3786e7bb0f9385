import { backends, cannySync } from '../lib';

test('backends() reports the CPU and why CUDA is or is not usable', () => {
  const b = backends();
  expect(b.cpu).toBe(true);
  expect(typeof b.cuda.compiled).toBe('boolean');
  expect(typeof b.cuda.available).toBe('boolean');
  expect(b.threads).toBeGreaterThanOrEqual(1);
  if (b.cuda.available) {
    expect(b.cuda.compiled).toBe(true);
    expect(typeof b.cuda.device).toBe('string');
  } else {
    expect(b.cuda.reason).toEqual(expect.any(String));
    expect(b.cuda.reason!.length).toBeGreaterThan(10);
  }
});

test('asking for CUDA where it is unavailable is a RangeError naming the backend', () => {
  if (backends().cuda.available) return;
  const image = { data: new Uint8Array(4), width: 2, height: 2, channels: 1 };
  expect(() => cannySync(image, { low: 1, high: 2, backend: 'cuda' })).toThrow(RangeError);
  expect(() => cannySync(image, { low: 1, high: 2, backend: 'cuda' })).toThrow(
    /^Expected an available backend .* for options\.backend but received "cuda"$/,
  );
  // 'auto' falls back to the CPU.
  expect(cannySync(image, { low: 1, high: 2, backend: 'auto' }).data).toHaveLength(4);
});
