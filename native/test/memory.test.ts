// Results must be freed by the garbage collector even when a caller never yields to the event
// loop (external-buffer finalizers in Node 20 wait for it: RSS grew by every result).
import { cannyEdgesRgbSync, imageToTensor } from '../lib';

test('a synchronous loop of calls does not pile up results', () => {
  const size = 1024;
  const image = { data: new Uint8Array(size * size * 3).map((_, i) => (i * 31) % 253), width: size, height: size, channels: 3 };
  cannyEdgesRgbSync(image, { low: 50, high: 150, threads: 1 });
  imageToTensor(image, { threads: 1 });
  const before = process.memoryUsage().rss;
  // 60 x (3 MiB edges + 12 MiB tensor) = 900 MiB if nothing were freed before the loop ends.
  for (let i = 0; i < 60; i++) {
    cannyEdgesRgbSync(image, { low: 50, high: 150, threads: 1 });
    imageToTensor(image, { threads: 1 });
  }
  const grownMiB = (process.memoryUsage().rss - before) / 2 ** 20;
  expect(grownMiB).toBeLessThan(300);
});
