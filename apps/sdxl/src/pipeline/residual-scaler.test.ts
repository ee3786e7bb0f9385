import { residualBuffers } from './residual-buffers';
import { ResidualScaler } from './residual-scaler';

describe('ResidualScaler', () => {
  let scaler: ResidualScaler;
  beforeAll(async () => {
    scaler = await ResidualScaler.create(['cpu']);
  });
  afterAll(() => scaler.release());

  const filled = (batch: number) => {
    const buffers = residualBuffers(batch, 3, 2);
    buffers.forEach((buffer, k) => buffer.data.forEach((_, i) => (buffer.data[i] = k + i / 1000)));
    return buffers;
  };
  const scales = Float32Array.from({ length: 10 }, (_, k) => (k + 1) / 10);

  it('multiplies each residual by its own scale into the UNet buffers, leaving the inputs as they were', async () => {
    const from = filled(2);
    const to = residualBuffers(2, 3, 2);
    await scaler.scale(from, scales, to, false);
    to.forEach((buffer, k) => {
      expect(buffer.data[0]).toBeCloseTo(k * scales[k]!, 6);
      expect(buffer.data[buffer.data.length - 1]).toBeCloseTo(from[k]!.data.at(-1)! * scales[k]!, 5);
    });
    expect(from[3]!.data[0]).toBe(3);
  });

  it('in guess mode writes [zeros; scaled conditional half] for the batch of two', async () => {
    const from = filled(1);
    const to = residualBuffers(2, 3, 2);
    to.forEach((buffer) => buffer.data.fill(7));
    await scaler.scale(from, scales, to, true);
    to.forEach((buffer, k) => {
      const half = buffer.data.length / 2;
      expect(buffer.data.subarray(0, half).every((v) => v === 0)).toBe(true);
      expect(buffer.data[half + 1]).toBeCloseTo(from[k]!.data[1]! * scales[k]!, 6);
    });
  });
});
