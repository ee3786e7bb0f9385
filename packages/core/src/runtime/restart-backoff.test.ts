import { RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles from 200 ms up to 10 s while processes crash soon after they start', () => {
    const backoff = new RestartBackoff();
    const delays = Array.from({ length: 9 }, () => backoff.next(1_000));
    expect(delays).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it('starts again from 200 ms after a process ran 30 s', () => {
    const backoff = new RestartBackoff();
    for (let i = 0; i < 5; i++) backoff.next(0);
    expect(backoff.next(29_999)).toBe(6400);
    expect(backoff.next(30_000)).toBe(200);
    expect(backoff.next(10)).toBe(400);
  });
});
