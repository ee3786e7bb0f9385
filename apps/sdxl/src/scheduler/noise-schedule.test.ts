import { alphasCumprod, torchLinspaceFloat32 } from './noise-schedule';

describe('torchLinspaceFloat32', () => {
  it('hits both ends exactly and counts the second half down from the end', () => {
    expect(Array.from(torchLinspaceFloat32(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const betas = torchLinspaceFloat32(0.0001, 0.02, 1100);
    // torch.linspace(0.0001, 0.02, 1100) as torch 1.13 prints it, at elements its vectorised
    // kernel computes the way torch 2's serial one does (the first lanes and the scalar tail).
    expect([0, 1, 7, 1090, 1098, 1099].map((i) => betas[i])).toEqual([
      9.999999747378752e-5, 0.00011810736759798601, 0.00022675158106721938, 0.01983703300356865,
      0.01998189277946949, 0.019999999552965164,
    ]);
    expect(Array.from(torchLinspaceFloat32(3, 7, 1))).toEqual([3]);
  });
});

describe('alphasCumprod', () => {
  it('carries the product in a double, as torch does on the CPU', () => {
    // torch.cumprod(1.0 - torch.arange(1, 1001, dtype=torch.float32) * 1e-5, dim=0): a float32
    // running product drifts from these in the 7th digit.
    const betas = Float32Array.from({ length: 1000 }, (_, i) =>
      Math.fround((i + 1) * Math.fround(1e-5)),
    );
    const cumprod = alphasCumprod(betas);
    expect([99, 499, 999].map((i) => cumprod[i])).toEqual([
      0.9507378339767456, 0.2851913869380951, 0.006592809222638607,
    ]);
  });
});
