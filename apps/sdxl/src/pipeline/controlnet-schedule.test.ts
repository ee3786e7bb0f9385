import { controlnetKeeps, residualScales } from './controlnet-schedule';

describe('ControlNet schedule', () => {
  it('keeps the ControlNet on the steps diffusers keeps it: 1 − (i/N < start or (i+1)/N > end)', () => {
    const keeps = (start: number, end: number) => Array.from({ length: 10 }, (_, i) => (controlnetKeeps(i, 10, start, end) ? 1 : 0));
    expect(keeps(0, 1)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(keeps(0.2, 1)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(keeps(0, 0.5)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    // A step that ends just past `end` is off: (4+1)/10 = 0.5 is not > 0.45? It is: 0.5 > 0.45.
    expect(keeps(0, 0.45)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(keeps(0.3, 0.6)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('scales every residual by the conditioning scale, or by logspace(-1, 0, 10) × scale in guess mode', () => {
    expect(Array.from(residualScales(0.5, false))).toEqual(new Array(10).fill(0.5));
    const guess = Array.from(residualScales(0.5, true));
    // torch.logspace(-1, 0, 10) * 0.5: 0.05, 0.0646, …, 0.5 (the mid-block residual, last, is the strongest).
    const expected = [0.1, 0.12915, 0.16681, 0.21544, 0.27826, 0.35938, 0.46416, 0.59948, 0.77426, 1].map((x) => x * 0.5);
    guess.forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 5));
  });
});
