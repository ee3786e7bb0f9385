import { setTimeout as sleep } from 'node:timers/promises';
import { timeRun, withRunClock } from './run-clock';

describe('the run clock', () => {
  it('counts the runs inside the work, however deep, and each piece of work only its own', async () => {
    const deep = async () => timeRun(async () => { await sleep(2); return 'ran'; });
    const [withRuns, withoutRuns] = await Promise.all([
      withRunClock(async () => [await deep(), await deep()]),
      // Overlaps the first in time, runs no model: nothing of the other's is counted here.
      withRunClock(async () => { await sleep(5); return 'idle'; }),
    ]);
    expect(withRuns.value).toEqual(['ran', 'ran']);
    expect(withRuns.runMs).toBeGreaterThan(0);
    expect(withoutRuns).toEqual({ value: 'idle', runMs: 0 });
  });

  it('passes a run through when no clock is running, and counts a run that throws', async () => {
    await expect(timeRun(async () => 42)).resolves.toBe(42);
    const failed = await withRunClock(async () => timeRun(async () => { await sleep(1); throw new Error('model failed'); }).catch((e: Error) => e.message));
    expect(failed.value).toBe('model failed');
    expect(failed.runMs).toBeGreaterThan(0);
  });
});
