import { setTimeout as sleep } from 'node:timers/promises';
import { timeRun, withRunClock } from './run-clock';

describe('the run clock', () => {
  it('counts the runs inside the work, however deep, by model, and each piece of work only its own', async () => {
    const deep = async (model: string) => timeRun(model, async () => { await sleep(2); return model; });
    const [withRuns, withoutRuns] = await Promise.all([
      withRunClock(async () => [await deep('unet'), await deep('vae'), await deep('unet')]),
      // Overlaps the first in time, runs no model: nothing of the other's is counted here.
      withRunClock(async () => { await sleep(5); return 'idle'; }),
    ]);
    expect(withRuns.value).toEqual(['unet', 'vae', 'unet']);
    expect(Object.keys(withRuns.runs.byModel).sort()).toEqual(['unet', 'vae']);
    expect(withRuns.runs.byModel.unet! + withRuns.runs.byModel.vae!).toBeCloseTo(withRuns.runs.total, 6);
    expect(withRuns.runs.byModel.vae).toBeGreaterThan(0);
    expect(withoutRuns).toEqual({ value: 'idle', runs: { total: 0, byModel: {} } });
  });

  it('passes a run through when no clock is running, and counts a run that throws', async () => {
    await expect(timeRun('unet', async () => 42)).resolves.toBe(42);
    const failed = await withRunClock(async () => timeRun('unet', async () => { await sleep(1); throw new Error('model failed'); }).catch((e: Error) => e.message));
    expect(failed.value).toBe('model failed');
    expect(failed.runs.total).toBeGreaterThan(0);
  });
});
