import { residualBuffers } from './residual-buffers';

describe('ControlNet residual buffers', () => {
  it("have SDXL's channels and sizes: 3×320@h, 320@h/2, 2×640@h/2, 640@h/4, 2×1280@h/4, mid 1280@h/4", () => {
    const dims = residualBuffers(2, 128, 96).map((b) => b.dims);
    expect(dims).toEqual([
      [2, 320, 128, 96], [2, 320, 128, 96], [2, 320, 128, 96],
      [2, 320, 64, 48], [2, 640, 64, 48], [2, 640, 64, 48],
      [2, 640, 32, 24], [2, 1280, 32, 24], [2, 1280, 32, 24],
      [2, 1280, 32, 24],
    ]);
  });

  it('rounds odd sizes up at each downsampling, as a stride-2 convolution with padding 1 does', () => {
    expect(residualBuffers(1, 9, 5).map((b) => b.dims.slice(2))).toEqual([
      [9, 5], [9, 5], [9, 5], [5, 3], [5, 3], [5, 3], [3, 2], [3, 2], [3, 2], [3, 2],
    ]);
  });
});
