import { interpolateAtIndex, numpyArange, numpyLinspace, roundHalfToEven } from './numpy-float64';

describe('the numpy routines of set_timesteps', () => {
  it('rounds halves to even, as np.round does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfToEven)).toEqual([
      0, 2, 2, -0, -2, 2, 3,
    ]);
  });

  it('ends np.linspace exactly on stop and gives [start] for one value', () => {
    expect(numpyLinspace(0, 999, 4)).toEqual([0, 333, 666, 999]);
    expect(numpyLinspace(0, 999, 1)).toEqual([0]);
  });

  it("counts np.arange's values with a ceiling, extra value included", () => {
    expect(numpyArange(1000, 0, -100)).toHaveLength(10);
    // 1000 / (1000 / 61) is a hair above 61 in float64.
    expect(numpyArange(1000, 0, -1000 / 61)).toHaveLength(62);
    expect(numpyArange(0, 0, 1)).toEqual([]);
  });

  it('interpolates linearly between samples and clamps outside them, as np.interp does', () => {
    const fp = [10, 20, 40];
    expect(interpolateAtIndex(0.25, fp)).toBe(12.5);
    expect(interpolateAtIndex(1.5, fp)).toBe(30);
    expect(interpolateAtIndex(1, fp)).toBe(20);
    expect(interpolateAtIndex(-1, fp)).toBe(10);
    expect(interpolateAtIndex(7, fp)).toBe(40);
  });
});
