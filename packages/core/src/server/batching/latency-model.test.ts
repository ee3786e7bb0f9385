import { ArrivalGap, idleWindowMs } from './batch-window';
import { LatencyModel } from './latency-model';

describe('LatencyModel', () => {
  it('predicts nothing before the first batch', () => {
    const model = new LatencyModel();
    expect(model.observed).toBe(false);
    expect(model.predict(10)).toBe(0);
  });

  it('learns the fixed and per-row cost of a method that costs 5 ms + 2 ms per row', () => {
    const model = new LatencyModel();
    for (const rows of [1, 4, 16, 2, 8, 32, 1]) model.observe(rows, 5 + 2 * rows);
    expect(model.fixedMs).toBeCloseTo(5, 6);
    expect(model.perRowMs).toBeCloseTo(2, 6);
    expect(model.predict(10)).toBeCloseTo(25, 6);
  });

  it('follows a method that got faster: recent batches weigh more', () => {
    const model = new LatencyModel(0.5);
    for (let i = 0; i < 10; i++) for (const rows of [1, 8]) model.observe(rows, 100 + 10 * rows);
    for (let i = 0; i < 10; i++) for (const rows of [1, 8]) model.observe(rows, 10 + 1 * rows);
    expect(model.fixedMs).toBeCloseTo(10, 1);
    expect(model.perRowMs).toBeCloseTo(1, 1);
  });

  it('counts everything as fixed cost while all batches had one size, and never goes negative', () => {
    const same = new LatencyModel();
    same.observe(4, 12);
    same.observe(4, 12);
    expect(same.fixedMs).toBeCloseTo(12, 9);
    expect(same.perRowMs).toBe(0);
    const shrinking = new LatencyModel();
    shrinking.observe(1, 20);
    shrinking.observe(10, 5);
    expect(shrinking.perRowMs).toBe(0);
    expect(shrinking.fixedMs).toBeGreaterThan(0);
    const steep = new LatencyModel();
    steep.observe(1, 1);
    steep.observe(10, 100);
    expect(steep.fixedMs).toBe(0);
    expect(steep.perRowMs).toBeGreaterThan(0);
  });
});

describe('idleWindowMs', () => {
  const timed = (fixed: number) => {
    const model = new LatencyModel();
    model.observe(1, fixed + 1);
    model.observe(2, fixed + 2);
    return model;
  };
  const arriving = (gapMs: number) => {
    const gaps = new ArrivalGap();
    for (let i = 0; i < 5; i++) gaps.arrived(i * gapMs);
    return gaps;
  };

  it('does not wait before the method was timed, or when calls come further apart than its fixed cost', () => {
    expect(idleWindowMs(new LatencyModel(), arriving(1), 1000)).toBe(0);
    expect(idleWindowMs(timed(20), new ArrivalGap(), 1000)).toBe(0);
    expect(idleWindowMs(timed(20), arriving(50), 1000)).toBe(0);
  });

  it('waits up to the fixed cost when calls come closer together, within the budget of the oldest call', () => {
    expect(idleWindowMs(timed(20), arriving(2), 1000)).toBeCloseTo(20, 6);
    expect(idleWindowMs(timed(20), arriving(2), 7)).toBe(7);
    expect(idleWindowMs(timed(20), arriving(2), -5)).toBe(0);
  });
});
