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

/** Requests a service runs at once when it does not set `traffic.max_concurrency`. */
export const DEFAULT_MAX_CONCURRENCY = 100;

/** `traffic.max_queue_size` when unset: four times `max_concurrency` (see `maxQueueSize`). */
export const DEFAULT_QUEUE_FACTOR = 4;

export const TrafficSchema = z.strictObject({
  /**
   * Seconds a request may take before the server answers 504, counted from its arrival: time
   * spent waiting in the queue (`external_queue`) counts too.
   */
  timeout: z
    .number()
    .positive()
    .max(MAX_TIMEOUT_SECONDS, `at most ${MAX_TIMEOUT_SECONDS} seconds (about 24.8 days, the longest timer Node runs)`)
    .default(60),
  /**
   * Requests the service runs at once, across all its workers (one `bento serve` process, one
   * replica); more get 429 with Retry-After, or wait with `external_queue`.
   */
  max_concurrency: z.number().int().positive().default(DEFAULT_MAX_CONCURRENCY),
  /**
   * Target of requests in flight per replica for the autoscaler (`bento deploy --metrics-adapter`);
   * the server itself does not use it. Set it below `max_concurrency`, so that replicas are added
   * before requests are refused or queued.
   */
  concurrency: z.number().int().positive().optional(),
  /**
   * Requests over `max_concurrency` wait in a first-in first-out queue (within their own
   * `timeout`) instead of getting 429; only when the queue is full do they get 429.
   */
  external_queue: z.boolean().optional(),
  /** How many requests may wait with `external_queue`; default 4 × `max_concurrency`. */
  max_queue_size: z.number().int().positive().optional(),
});

/** How many requests may wait for a slot: 0 without `external_queue`. */
export function maxQueueSize(traffic: z.output<typeof TrafficSchema>): number {
  if (!traffic.external_queue) return 0;
  return traffic.max_queue_size ?? DEFAULT_QUEUE_FACTOR * traffic.max_concurrency;
}

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
