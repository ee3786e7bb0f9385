import { LoopBufferCache } from './loop-buffers';

describe('LoopBufferCache', () => {
  const shape = { batch: 2, controlBatch: 2, h: 8, w: 8 };

  it('hands the last set back for a run of the same shape, once, and a fresh set otherwise', () => {
    const cache = new LoopBufferCache();
    const first = cache.take(shape);
    expect(first.residualsZero).toBe(true);
    expect(first.modelInput.length).toBe(2 * 4 * 8 * 8);
    expect(first.controlnetResiduals[0]!.dims).toEqual([2, 320, 8, 8]);
    cache.give(first);
    expect(cache.take(shape)).toBe(first);
    // Taken: a concurrent run of the same shape gets its own.
    expect(cache.take(shape)).not.toBe(first);
    cache.give(first);
    expect(cache.take({ ...shape, controlBatch: 1 })).not.toBe(first);
    cache.clear();
    expect(cache.take(shape)).not.toBe(first);
  });
});
