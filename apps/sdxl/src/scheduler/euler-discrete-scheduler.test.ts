import { EulerDiscreteScheduler } from './euler-discrete-scheduler';

/** stabilityai/stable-diffusion-xl-base-1.0's scheduler/scheduler_config.json. */
const SDXL_SCHEDULER_CONFIG = {
  _class_name: 'EulerDiscreteScheduler',
  _diffusers_version: '0.19.0.dev0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  interpolation_type: 'linear',
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  sample_max_value: 1.0,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: 'leading',
  trained_betas: null,
  use_karras_sigmas: false,
};

function sdxlScheduler(steps = 25): EulerDiscreteScheduler {
  const scheduler = EulerDiscreteScheduler.fromConfig(SDXL_SCHEDULER_CONFIG);
  scheduler.setTimesteps(steps);
  return scheduler;
}

describe('EulerDiscreteScheduler with SDXL settings', () => {
  it('picks 961, 921, …, 41, 1 for 25 steps', () => {
    const expected = Array.from({ length: 25 }, (_, k) => 961 - 40 * k);
    expect(Array.from(sdxlScheduler().timesteps)).toEqual(expected);
    expect(expected.at(-1)).toBe(1);
  });

  it("gives diffusers' sigmas, initial noise sigma and input scale", () => {
    const scheduler = sdxlScheduler();
    const sigmas = scheduler.sigmas;
    expect(sigmas).toHaveLength(26);
    [11.67605, 9.338079, 7.56239].forEach((sigma, i) => expect(sigmas[i]).toBeCloseTo(sigma, 6));
    [0.201794, 0.041314, 0].forEach((sigma, i) => expect(sigmas[23 + i]).toBeCloseTo(sigma, 6));
    expect(scheduler.initNoiseSigma).toBeCloseTo(11.718795, 6);

    const ones = new Float32Array(8).fill(1);
    const scaled = scheduler.scaleModelInput(ones, 0, new Float32Array(8));
    scaled.forEach((value) => expect(value).toBeCloseTo(0.085333, 6));
  });

  it('agrees with torch to a float32 ulp on every sigma', () => {
    // torch 1.13.1 (these sigmas through diffusers' formulas). torch 1.13's linspace was
    // vectorised and rounds some betas differently from torch 2's, which this port follows.
    const torchSigmas = [
      11.676050186157227, 9.338079452514648, 7.562389850616455, 6.197037696838379,
      5.134433269500732, 4.297549247741699, 3.6306543350219727, 3.0930097103118896,
      2.6545448303222656, 2.2928547859191895, 1.9910917282104492, 1.7364742755889893,
      1.5192174911499023, 1.331763505935669, 1.1682164669036865, 1.02392578125, 0.8951722979545593,
      0.778923749923706, 0.672633171081543, 0.5740507245063782, 0.4810032844543457,
      0.39103835821151733, 0.3005809485912323, 0.20179356634616852, 0.04131447896361351, 0,
    ];
    const sigmas = sdxlScheduler().sigmas;
    torchSigmas.forEach((sigma, i) => {
      expect(Math.abs(sigmas[i] - sigma)).toBeLessThanOrEqual(sigma * 2 ** -22);
    });
  });

  it('ends on the smallest training sigma with final_sigmas_type "sigma_min"', () => {
    const scheduler = EulerDiscreteScheduler.fromConfig({
      ...SDXL_SCHEDULER_CONFIG,
      final_sigmas_type: 'sigma_min',
    });
    scheduler.setTimesteps(25);
    expect(scheduler.sigmas[25]).toBeCloseTo(0.029167533, 8);
  });
});

describe('EulerDiscreteScheduler timestep spacings', () => {
  it('spaces "linspace" evenly, fractional timesteps included, and starts from the largest sigma', () => {
    const scheduler = new EulerDiscreteScheduler({ num_train_timesteps: 1100 });
    scheduler.setTimesteps(10);
    // numpy's float64 linspace, stored as float32 (printed by numpy).
    expect(Array.from(scheduler.timesteps)).toEqual([
      1099, 976.888916015625, 854.7777709960938, 732.6666870117188, 610.5555419921875,
      488.4444580078125, 366.3333435058594, 244.22222900390625, 122.11111450195312, 0,
    ]);
    expect(scheduler.initNoiseSigma).toBe(scheduler.sigmas[0]);
  });

  it('counts "trailing" down from the last training step, with numpy\'s extra step when it has one', () => {
    const scheduler = EulerDiscreteScheduler.fromConfig({
      ...SDXL_SCHEDULER_CONFIG,
      timestep_spacing: 'trailing',
    });
    scheduler.setTimesteps(10);
    expect(Array.from(scheduler.timesteps)).toEqual([
      999, 899, 799, 699, 599, 499, 399, 299, 199, 99,
    ]);

    // np.arange(1000, 0, -1000/61) has 62 values: diffusers then runs 62 steps, the last at
    // timestep −1, whose sigma np.interp clamps to the first training sigma.
    scheduler.setTimesteps(61);
    expect(scheduler.timesteps).toHaveLength(62);
    expect(Array.from(scheduler.timesteps.subarray(-3))).toEqual([32, 15, -1]);
    expect(scheduler.sigmas[61]).toBeCloseTo(0.029167533, 8);
  });
});

describe('EulerDiscreteScheduler steps', () => {
  it("reproduces diffusers' test_full_loop_no_noise (sum 10.0807, mean 0.0131)", () => {
    // tests/schedulers/test_scheduler_euler.py: linear betas 0.0001..0.02 over 1100 steps,
    // 10 steps; the dummy model returns sample·t/(t + 1); s_churn is 0, so the generator it passes
    // draws nothing.
    const scheduler = new EulerDiscreteScheduler({
      num_train_timesteps: 1100,
      beta_start: 0.0001,
      beta_end: 0.02,
      beta_schedule: 'linear',
    });
    scheduler.setTimesteps(10);

    // dummy_sample_deter: arange(768).reshape(3, 8, 8, 4) / 768, permuted to (4, 3, 8, 8).
    const [batch, channels, height, width] = [4, 3, 8, 8];
    const count = batch * channels * height * width;
    let sample = new Float32Array(count);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < channels; c++) {
        for (let h = 0; h < height; h++) {
          for (let w = 0; w < width; w++) {
            const source = ((c * height + h) * width + w) * batch + b;
            sample[((b * channels + c) * height + h) * width + w] = Math.fround(source / count);
          }
        }
      }
    }
    const initNoiseSigma = scheduler.initNoiseSigma;
    sample = sample.map((x) => Math.fround(x * initNoiseSigma));

    const modelOutput = new Float32Array(count);
    scheduler.timesteps.forEach((t, i) => {
      // As the test does, the scaled sample replaces the sample and is what step() receives.
      scheduler.scaleModelInput(sample, i, sample);
      const ratio = Math.fround(t + 1);
      sample.forEach((x, j) => (modelOutput[j] = Math.fround(Math.fround(x * t) / ratio)));
      scheduler.step(modelOutput, i, sample, sample);
    });

    const sum = sample.reduce((total, x) => total + Math.abs(x), 0);
    expect(Math.abs(sum - 10.0807)).toBeLessThan(1e-2);
    expect(Math.abs(sum / count - 0.0131)).toBeLessThan(1e-3);
  });

  it('works in place or into another buffer alike, and returns the buffer it wrote', () => {
    const scheduler = sdxlScheduler();
    const sample = Float32Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i) * 10));
    const epsilon = Float32Array.from({ length: 64 }, (_, i) => Math.fround(Math.cos(i)));

    const separate = new Float32Array(64);
    expect(scheduler.step(epsilon, 3, sample, separate)).toBe(separate);
    const inPlace = sample.slice();
    expect(scheduler.step(epsilon, 3, inPlace, inPlace)).toBe(inPlace);
    expect(inPlace).toEqual(separate);
    const intoEpsilon = epsilon.slice();
    scheduler.step(intoEpsilon, 3, sample, intoEpsilon);
    expect(intoEpsilon).toEqual(separate);

    const scaled = new Float32Array(64);
    expect(scheduler.scaleModelInput(sample, 3, scaled)).toBe(scaled);
    const scaledInPlace = sample.slice();
    scheduler.scaleModelInput(scaledInPlace, 3, scaledInPlace);
    expect(scaledInPlace).toEqual(scaled);
  });

  it('steps with guidance in one pass exactly as guiding first (u + g·(c − u) in float32) and then stepping', () => {
    const scheduler = sdxlScheduler();
    const n = 64;
    const sample = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 10));
    const noise = Float32Array.from({ length: 2 * n }, (_, i) => Math.fround(Math.cos(i * 0.7)));
    const g = 5;
    const guided = Float32Array.from({ length: n }, (_, i) => Math.fround(noise[i] + Math.fround(g * Math.fround(noise[n + i] - noise[i]))));
    const twoPasses = scheduler.step(guided, 4, sample, new Float32Array(n));
    const onePass = scheduler.stepGuided(noise, g, 4, sample, new Float32Array(n));
    expect(onePass).toEqual(twoPasses);
    // …and the next step's model input, as scaleModelInput would write it.
    const next = new Float32Array(n);
    scheduler.stepGuided(noise, g, 4, sample, new Float32Array(n), next);
    expect(next).toEqual(scheduler.scaleModelInput(twoPasses, 5, new Float32Array(n)));
    expect(() => scheduler.stepGuided(new Float32Array(n), g, 4, sample, new Float32Array(n))).toThrow(RangeError);
    const last = scheduler.timesteps.length - 1;
    expect(() => scheduler.stepGuided(noise, g, last, sample, new Float32Array(n), next)).toThrow(RangeError);
  });

  it('lands on the predicted clean sample x − σε at the last step', () => {
    const scheduler = sdxlScheduler();
    const last = scheduler.timesteps.length - 1;
    const sigma = scheduler.sigmas[last];
    const sample = Float32Array.from([0.5, -1.25, 2, 0]);
    const epsilon = Float32Array.from([1, 0.5, -2, 3]);
    const next = scheduler.step(epsilon, last, sample, new Float32Array(4));
    next.forEach((x, i) => expect(x).toBeCloseTo(sample[i] - sigma * epsilon[i], 6));
  });

  it('refuses steps and buffers that do not fit', () => {
    const scheduler = new EulerDiscreteScheduler();
    const buffer = new Float32Array(4);
    expect(() => scheduler.step(buffer, 0, buffer, buffer)).toThrow(
      'EulerDiscreteScheduler: call setTimesteps(steps) first',
    );
    expect(() => scheduler.setTimesteps(0)).toThrow(
      new RangeError('Expected an integer in [1, 1000] for steps but received 0'),
    );
    scheduler.setTimesteps(25);
    expect(() => scheduler.step(buffer, 25, buffer, buffer)).toThrow(
      new RangeError('Expected an integer in [0, 24] for stepIndex but received 25'),
    );
    expect(() => scheduler.step(new Float32Array(3), 0, buffer, buffer)).toThrow(
      new RangeError(
        "Expected a Float32Array of 4 elements (the sample's) for epsilon but received Float32Array(3)",
      ),
    );
    expect(() => scheduler.scaleModelInput([1, 2] as unknown as Float32Array, 0, buffer)).toThrow(
      new TypeError('Expected a Float32Array for sample but received an array of length 2'),
    );
  });
});
