import { MAX_INPUT_PIXELS, MAX_INPUT_SIDE, MIN_INPUT_SIDE, outputSide, sizeProblem } from './output-size';

describe('the output size', () => {
  it('is the input side rounded down to a multiple of 8, as diffusers sizes the control image', () => {
    expect([64, 70, 71, 72, 100, 512, 1023, 1024, 2055].map(outputSide)).toEqual([64, 64, 64, 72, 96, 512, 1016, 1024, 2048]);
  });

  it('takes every side whose output SDXL accepts, and names the size of one it does not', () => {
    expect(sizeProblem(MIN_INPUT_SIDE, MAX_INPUT_SIDE)).toBeUndefined();
    expect(sizeProblem(63, 100)).toMatch(/sides are 64 to 2055 pixels but received 63×100/);
    expect(sizeProblem(100, 2056)).toMatch(/received 100×2056/);
    // The pixel limit lets every usable size through and nothing larger than the largest.
    expect(MAX_INPUT_PIXELS).toBe(MAX_INPUT_SIDE * MAX_INPUT_SIDE);
  });
});
