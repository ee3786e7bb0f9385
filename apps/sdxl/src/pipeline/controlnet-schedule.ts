/** How many residuals SDXL's ControlNet gives: 9 down-block residuals and the mid-block one. */
export const RESIDUAL_COUNT = 10;

/**
 * Whether the ControlNet guides step `i` of `steps`, as diffusers computes `controlnet_keep`:
 * `1 − (i/N < start or (i+1)/N > end)`.
 */
export function controlnetKeeps(step: number, steps: number, start: number, end: number): boolean {
  return !(step / steps < start || (step + 1) / steps > end);
}

/**
 * The factor each residual (9 down, then mid) is multiplied by at one step: the conditioning
 * scale, or in guess mode `logspace(−1, 0, 10)[k] × scale` (the shallow residuals count less, as
 * diffusers' ControlNet does it when told `guess_mode`). In float32, as torch computes them.
 */
export function residualScales(conditioningScale: number, guessMode: boolean): Float32Array {
  const scales = new Float32Array(RESIDUAL_COUNT);
  for (let k = 0; k < RESIDUAL_COUNT; k++) {
    // torch.logspace(-1, 0, 10): 10 ** linspace(-1, 0, 10), in float32.
    const exponent = Math.fround(-1 + Math.fround(k / (RESIDUAL_COUNT - 1)));
    const weight = guessMode ? Math.fround(10 ** exponent) : 1;
    scales[k] = Math.fround(weight * conditioningScale);
  }
  return scales;
}
