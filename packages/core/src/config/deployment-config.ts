import { z } from 'zod';
import { CorsSchema } from './cors-options';
import { EnvVarSchema, ResourcesSchema, TrafficSchema } from './service-options';

/**
 * An object that refuses unknown fields and says which it takes: a typo (`scalng`) reads
 * `unknown field "scalng" (expected one of: instance_type, scaling, …)`.
 */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const expected = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (expected one of: ${expected})` : undefined,
  });
}

/** A Kubernetes object name part (DNS-1035 label): lower-case letters, digits and "-". */
const DnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'a name of lower-case letters, digits and "-", starting with a letter, at most 40 characters');

/**
 * `cpu.<size>` or `gpu.<accelerator>.<count>`, the seed's spelling (`cpu.1`, `gpu.l4.1`). The
 * renderer maps it to a node label and, for GPUs, to `nvidia.com/gpu` (see docs/deploy.md).
 */
export const InstanceTypeSchema = z
  .string()
  .regex(/^(cpu\.[a-z0-9][a-z0-9.-]*|gpu\.[a-z0-9][a-z0-9-]*\.[1-9][0-9]*)$/, 'an instance type like "cpu.1" or "gpu.l4.1" (gpu.<accelerator>.<count>)');

/** Kubernetes label values: at most 63 letters, digits, "-", "_" and ".", alphanumeric at both ends. */
const LabelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, 'a Kubernetes label value (at most 63 letters, digits, "-", "_", ".")');
const Labels = z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a Kubernetes label key'), LabelValue);

/** Names of Kubernetes Secrets whose keys become environment variables (`envFrom.secretRef`). */
const Secrets = z.array(z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes Secret name'));

/**
 * `traffic` as an override: the service's fields without their defaults (`.partial()` keeps a
 * default, which would put `timeout: 60` over a service's own 600 when only another field is set).
 */
const TrafficOverridesSchema = strictObject({
  timeout: TrafficSchema.shape.timeout.unwrap().optional(),
  max_concurrency: TrafficSchema.shape.max_concurrency.unwrap().optional(),
  concurrency: TrafficSchema.shape.concurrency,
  external_queue: TrafficSchema.shape.external_queue,
  max_queue_size: TrafficSchema.shape.max_queue_size,
});

const WorkersOverrideSchema = z.union([z.number().int().positive(), z.literal('cpu_count')], {
  error: 'a number of worker processes or "cpu_count" (BentoML\'s list of per-worker GPUs is not supported: the workers of a replica share its GPUs)',
});

/**
 * What a deployment may change of a service's own options. Every field is optional: it replaces
 * the service's value. `workers` is our number of worker processes; BentoML's list form
 * (`workers: [{ gpu: 1 }]`, one entry per worker and its GPU) is refused, since a replica's
 * workers share the GPUs the pod gets.
 */
const ConfigOverridesSchema = strictObject({
  traffic: TrafficOverridesSchema.optional(),
  resources: ResourcesSchema.optional(),
  workers: WorkersOverrideSchema.optional(),
  /** Replaces the service's whole `cors` option: the origins of a deployment's own web pages. */
  cors: CorsSchema.optional(),
});

/**
 * The part of the overrides a service's process applies itself (its traffic limits and workers),
 * by service name: what `BENTO_CONFIG_OVERRIDES` carries into every process of a deployed graph.
 */
export const RuntimeOverridesSchema = z.record(
  z.string(),
  strictObject({ traffic: TrafficOverridesSchema.optional(), workers: WorkersOverrideSchema.optional(), cors: CorsSchema.optional() }),
);

/** `BENTO_CONFIG_OVERRIDES`'s content: service name → traffic and workers overrides. */
export type RuntimeOverrides = z.output<typeof RuntimeOverridesSchema>;

const ScalingSchema = strictObject({
  // At least 1: a HorizontalPodAutoscaler cannot scale to zero without an alpha feature gate.
  min_replicas: z.number().int().min(1).default(1),
  max_replicas: z.number().int().min(1).optional(),
}).refine((s) => s.max_replicas === undefined || s.min_replicas <= s.max_replicas, {
  message: 'min_replicas must not be more than max_replicas',
  path: ['min_replicas'],
});

const ServiceDeploymentSchema = strictObject({
  instance_type: InstanceTypeSchema.optional(),
  scaling: ScalingSchema.optional(),
  envs: z.array(EnvVarSchema).optional(),
  deployment_strategy: z.enum(['RollingUpdate', 'Recreate']).optional(),
  config: ConfigOverridesSchema.optional(),
  config_overrides: ConfigOverridesSchema.optional(),
  labels: Labels.optional(),
  secrets: Secrets.optional(),
}).superRefine((s, ctx) => {
  if (s.config && s.config_overrides) {
    ctx.addIssue({ code: 'custom', path: ['config_overrides'], message: 'give either config or config_overrides (the same thing in BentoML\'s spelling), not both' });
  }
});

/** The deployment config file (`config-file.yaml`): how each service of a graph is deployed. */
export const DeploymentConfigSchema = strictObject({
  name: DnsLabel.optional(),
  description: z.string().optional(),
  envs: z.array(EnvVarSchema).optional(),
  labels: Labels.optional(),
  secrets: Secrets.optional(),
  services: z.record(z.string(), ServiceDeploymentSchema).default({}),
});

/** A deployment config file after validation. */
export type DeploymentConfig = z.output<typeof DeploymentConfigSchema>;
/** One service's part of it. */
export type ServiceDeploymentConfig = z.output<typeof ServiceDeploymentSchema>;
/** What the config may change of a service's options (`config` or `config_overrides`). */
export type ConfigOverrides = z.output<typeof ConfigOverridesSchema>;
