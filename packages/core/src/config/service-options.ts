import path from 'node:path';
import { z } from 'zod';
import { CorsSchema } from './cors-options';

/** A CPU amount as Kubernetes writes it: `"1"`, `"500m"`, or a number of cores. */
const Cpu = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?m?$/, 'a CPU amount like "2", "0.5" or "500m"'),
]);

/** A memory amount as Kubernetes writes it: `"512Mi"`, `"4Gi"`, `"1G"`. */
const Memory = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/, 'a memory amount like "512Mi" or "4Gi"');

export const ResourcesSchema = z.strictObject({
  cpu: Cpu.optional(),
  memory: Memory.optional(),
  gpu: z.number().int().nonnegative().optional(),
  gpu_type: z.string().min(1).optional(),
});

/**
 * The longest `traffic.timeout`, in seconds: Node runs a timer of more than 2^31 - 1 ms after 1 ms,
 * so a longer timeout would answer 504 at once. About 24.8 days.
 */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Requests one worker runs at once when a service does not set `traffic.max_concurrency`. */
export const DEFAULT_MAX_CONCURRENCY = 100;

export const TrafficSchema = z.strictObject({
  /** Seconds a request may run before the server answers 504. */
  timeout: z
    .number()
    .positive()
    .max(MAX_TIMEOUT_SECONDS, `at most ${MAX_TIMEOUT_SECONDS} seconds (about 24.8 days, the longest timer Node runs)`)
    .default(60),
  /** Requests run at once by one worker; more are refused with 429 and Retry-After. */
  max_concurrency: z.number().int().positive().default(DEFAULT_MAX_CONCURRENCY),
  /**
   * Target concurrency per replica, a hint for an autoscaler. Not used by the server itself yet:
   * it is carried into deployments once the Kubernetes renderer lands.
   */
  concurrency: z.number().int().positive().optional(),
  /**
   * Whether requests over `max_concurrency` wait in a queue instead of getting 429. Not effective
   * yet: today every request over the limit gets 429.
   */
  external_queue: z.boolean().optional(),
});

export const EnvVarSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
  value: z.string().optional(),
});

/** Options of `@service(...)`, checked when the class is decorated. */
export const ServiceOptionsSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, "-" and "_", starting with a letter')
    .optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  resources: ResourcesSchema.optional(),
  traffic: TrafficSchema.default({ timeout: 60, max_concurrency: DEFAULT_MAX_CONCURRENCY }),
  workers: z.union([z.number().int().positive(), z.literal('cpu_count')]).default(1),
  envs: z.array(EnvVarSchema).default([]),
  /**
   * A folder of static files (a small web page) served at `/`: index.html there, the other files
   * by name. Absolute, because a relative path would depend on the directory `bento serve` was
   * started from: write `path.join(__dirname, '..', 'web')`.
   */
  ui: z
    .string()
    .refine((dir) => path.isAbsolute(dir), "an absolute folder path, like path.join(__dirname, '..', 'web')")
    .optional(),
  /** Cross-origin access for pages of other origins (see docs/security.md); off when absent. */
  cors: CorsSchema.optional(),
});

/** What a user writes in `@service(...)`. */
export type ServiceOptions = z.input<typeof ServiceOptionsSchema>;
/** Service options after validation, with defaults filled in. */
export type ResolvedServiceOptions = z.output<typeof ServiceOptionsSchema>;
