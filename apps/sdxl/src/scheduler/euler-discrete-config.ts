import { z } from 'zod';

/**
 * The settings of diffusers' `EulerDiscreteScheduler`, named as in its `scheduler_config.json`,
 * narrowed to what this port implements. Missing fields take diffusers' defaults.
 */
export interface EulerDiscreteSchedulerConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: 'linear' | 'scaled_linear';
  prediction_type: 'epsilon';
  interpolation_type: 'linear';
  timestep_spacing: 'linspace' | 'leading' | 'trailing';
  /** `continuous` changes nothing without v-prediction, which is not implemented. */
  timestep_type: 'discrete' | 'continuous';
  steps_offset: number;
  final_sigmas_type: 'zero' | 'sigma_min';
  use_karras_sigmas: false;
  use_exponential_sigmas: false;
  use_beta_sigmas: false;
  rescale_betas_zero_snr: false;
  /** Read only by the Karras, exponential and beta sigma schedules, none of which is implemented. */
  sigma_min: number | null;
  /** Read only by the Karras, exponential and beta sigma schedules, none of which is implemented. */
  sigma_max: number | null;
}

const notImplemented = (expected: string) => ({
  error: `expected ${expected} (others are not implemented)`,
});
const offSwitch = (field: string) =>
  z
    .union([z.literal(false), z.null()], { error: `expected false: ${field} is not implemented` })
    .default(false)
    .transform((): false => false);

// Keys diffusers writes for other schedulers (clip_sample, set_alpha_to_one, ...) are ignored,
// as diffusers ignores them.
const configSchema = z.object({
  _class_name: z
    .literal('EulerDiscreteScheduler', { error: 'expected "EulerDiscreteScheduler"' })
    .optional(),
  num_train_timesteps: z.number().int().min(2).default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z
    .enum(['linear', 'scaled_linear'], notImplemented('"linear" or "scaled_linear"'))
    .default('linear'),
  trained_betas: z.null({ error: 'expected null: trained_betas is not implemented' }).optional(),
  prediction_type: z.literal('epsilon', notImplemented('"epsilon"')).default('epsilon'),
  interpolation_type: z.literal('linear', notImplemented('"linear"')).default('linear'),
  timestep_spacing: z
    .enum(['linspace', 'leading', 'trailing'], {
      error: 'expected "linspace", "leading" or "trailing"',
    })
    .default('linspace'),
  timestep_type: z
    .enum(['discrete', 'continuous'], { error: 'expected "discrete" or "continuous"' })
    .default('discrete'),
  steps_offset: z.number().int().min(0).default(0),
  final_sigmas_type: z
    .enum(['zero', 'sigma_min'], { error: 'expected "zero" or "sigma_min"' })
    .default('zero'),
  use_karras_sigmas: offSwitch('use_karras_sigmas'),
  use_exponential_sigmas: offSwitch('use_exponential_sigmas'),
  use_beta_sigmas: offSwitch('use_beta_sigmas'),
  rescale_betas_zero_snr: offSwitch('rescale_betas_zero_snr'),
  sigma_min: z.number().nullable().default(null),
  sigma_max: z.number().nullable().default(null),
});

function received(raw: unknown, path: readonly PropertyKey[]): string {
  let value = raw;
  for (const key of path) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * Reads a `scheduler_config.json` object (or a partial one: absent fields take diffusers'
 * defaults) and refuses, naming the field, any setting this port does not implement.
 */
export function parseEulerDiscreteSchedulerConfig(raw: unknown): EulerDiscreteSchedulerConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.') || '(root)';
      return `${field}: ${issue.message}, received ${received(raw, issue.path)}`;
    });
    throw new Error(`Unsupported EulerDiscreteScheduler config: ${problems.join('; ')}`);
  }
  const { _class_name: _className, trained_betas: _trainedBetas, ...config } = parsed.data;
  return config;
}
