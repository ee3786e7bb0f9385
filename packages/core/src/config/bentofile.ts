import { z } from 'zod';
import { readYamlConfig } from './read-yaml-file';

/**
 * Unknown keys are errors rather than ignored: a misspelt `exclude` or `base_image` would otherwise
 * build a bento that silently differs from what its author meant. The message lists the keys allowed.
 */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected one of: ${known})` : undefined),
  });
}

/** Names to strings, the names shell- and Dockerfile-safe; a bad name is reported as `expected`. */
function namedRecord(expected: string) {
  return z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string(), {
    error: (issue) => (issue.code === 'invalid_key' ? expected : undefined),
  });
}

/** `docker:` of a bentofile: how `bento containerize` makes each service's image. */
export const BentofileDockerSchema = strict({
  /** The image both stages start from (default node:20-bookworm-slim); it must have Node 20+ and npm. */
  base_image: z.string().min(1).optional(),
  /** Debian/Ubuntu packages installed with apt-get into the runtime image. */
  system_packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.:=~-]*$/, 'a package name like "libgomp1"')).optional(),
  /** Environment variables set in every image (ENV). */
  env: namedRecord('a variable name like "MY_VAR"').optional(),
  /** Build arguments passed to the image build (--build-arg) and declared in the generated Dockerfile. */
  build_args: namedRecord('an argument name like "MY_ARG"').optional(),
  /** A Dockerfile of one's own (relative to the bentofile) used for every service instead of the generated one. */
  dockerfile: z.string().min(1).optional(),
});

export type BentofileDocker = z.infer<typeof BentofileDockerSchema>;

/** `bentofile.yaml`: what to build and which service is the entry. */
export const BentofileSchema = strict({
  service: z
    .string()
    .regex(/^[^:]+:[A-Za-z_$][\w$]*$/, 'a target like "service:MyService" (module:ExportName)'),
  name: z.string().optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  envs: z.array(strict({ name: z.string(), value: z.string().optional() })).optional(),
  docker: BentofileDockerSchema.optional(),
});

export type Bentofile = z.infer<typeof BentofileSchema>;

/** Reads and validates a bentofile; every error names the file, the path and what was expected. */
export function readBentofile(file: string): Promise<Bentofile> {
  return readYamlConfig(BentofileSchema, file);
}
