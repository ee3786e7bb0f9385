import { parseEulerDiscreteSchedulerConfig } from './euler-discrete-config';

describe('parseEulerDiscreteSchedulerConfig', () => {
  it("fills in diffusers' defaults and ignores other schedulers' keys", () => {
    expect(parseEulerDiscreteSchedulerConfig({ clip_sample: false, skip_prk_steps: true })).toEqual(
      {
        num_train_timesteps: 1000,
        beta_start: 0.0001,
        beta_end: 0.02,
        beta_schedule: 'linear',
        prediction_type: 'epsilon',
        interpolation_type: 'linear',
        timestep_spacing: 'linspace',
        timestep_type: 'discrete',
        steps_offset: 0,
        final_sigmas_type: 'zero',
        use_karras_sigmas: false,
        use_exponential_sigmas: false,
        use_beta_sigmas: false,
        rescale_betas_zero_snr: false,
        sigma_min: null,
        sigma_max: null,
      },
    );
    expect(parseEulerDiscreteSchedulerConfig(undefined).num_train_timesteps).toBe(1000);
  });

  it.each([
    [
      { prediction_type: 'v_prediction' },
      'prediction_type: expected "epsilon" (others are not implemented), received "v_prediction"',
    ],
    [
      { timestep_spacing: 'karras' },
      'timestep_spacing: expected "linspace", "leading" or "trailing", received "karras"',
    ],
    [
      { use_karras_sigmas: true },
      'use_karras_sigmas: expected false: use_karras_sigmas is not implemented, received true',
    ],
    [{ use_exponential_sigmas: true }, 'use_exponential_sigmas: expected false'],
    [{ use_beta_sigmas: true }, 'use_beta_sigmas: expected false'],
    [{ rescale_betas_zero_snr: true }, 'rescale_betas_zero_snr: expected false'],
    [
      { beta_schedule: 'squaredcos_cap_v2' },
      'beta_schedule: expected "linear" or "scaled_linear" (others are not implemented), received "squaredcos_cap_v2"',
    ],
    [{ interpolation_type: 'log_linear' }, 'interpolation_type: expected "linear"'],
    [
      { trained_betas: [0.1, 0.2] },
      'trained_betas: expected null: trained_betas is not implemented, received [0.1,0.2]',
    ],
    [
      { _class_name: 'DDIMScheduler' },
      '_class_name: expected "EulerDiscreteScheduler", received "DDIMScheduler"',
    ],
    [{ steps_offset: -1 }, 'steps_offset:'],
    [{ num_train_timesteps: '1000' }, 'num_train_timesteps:'],
  ])('refuses %j, naming the field', (config, message) => {
    expect(() => parseEulerDiscreteSchedulerConfig(config)).toThrow(
      `Unsupported EulerDiscreteScheduler config: ${message}`,
    );
  });

  it('accepts the settings that change nothing for epsilon prediction', () => {
    const config = parseEulerDiscreteSchedulerConfig({
      timestep_type: 'continuous',
      use_karras_sigmas: null,
      sigma_min: 0.02,
      sigma_max: 700,
    });
    expect(config.timestep_type).toBe('continuous');
    expect(config.use_karras_sigmas).toBe(false);
  });
});
