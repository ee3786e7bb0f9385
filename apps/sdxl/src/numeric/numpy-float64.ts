/**
 * The few numpy routines diffusers runs (in `set_timesteps`, and the final rounding of the image),
 * with numpy's float64 arithmetic, so that fractional timesteps, interpolated sigmas and pixel
 * values come out as numpy computes them.
 */

/** `np.round`: halves go to the even neighbour. */
export function roundHalfToEven(x: number): number {
  const rounded = Math.round(x);
  return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** `np.linspace(start, stop, num)` (endpoint included): `i·step + start`, the last one `stop`. */
export function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const values = Array.from({ length: num }, (_, i) => i * step + start);
  values[num - 1] = stop;
  return values;
}

/**
 * `np.arange(start, stop, step)` for floats: ⌈(stop − start)/step⌉ values, filled as numpy fills
 * them (`start + i·delta`, delta being the second value minus the first). The count can be one more
 * than the caller expects when the division rounds up, and numpy then gives one more value.
 */
export function numpyArange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length === 0) return [];
  const delta = start + step - start;
  return Array.from({ length }, (_, i) => (i === 0 ? start : start + i * delta));
}

/**
 * `np.interp(x, xp, fp)` for `xp = 0, 1, …, fp.length − 1`: linear between neighbours, the end
 * values outside the range, exact at the sample points.
 */
export function interpolateAtIndex(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (x >= last) return fp[last];
  if (x < 0) return fp[0];
  const j = Math.floor(x);
  if (x === j) return fp[j];
  const slope = fp[j + 1] - fp[j];
  return slope * (x - j) + fp[j];
}
