import { fusedMultiplyAddFloat32 } from './fused-multiply-add-float32';

describe('fusedMultiplyAddFloat32', () => {
  it('rounds a·b + c once, where a double sum would round twice', () => {
    // The exact value 1 + 3·2⁻²⁴ − 2⁻⁷⁰ lies just below a float32 tie; a double rounds it onto
    // the tie, which then rounds to even (up). C's fmaf gives 1 + 2⁻²³.
    const a = 1 + 2 ** -23;
    const b = 2 ** -24 * (1 - 2 ** -23);
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fusedMultiplyAddFloat32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fusedMultiplyAddFloat32(-a, b, -c)).toBe(-(1 + 2 ** -23));
  });

  it('is an ordinary multiply-add otherwise, and turns −0 + 0 into +0', () => {
    expect(fusedMultiplyAddFloat32(1.5, 2, 0.25)).toBe(3.25);
    expect(Object.is(fusedMultiplyAddFloat32(-0, 1, 0), 0)).toBe(true);
  });
});
