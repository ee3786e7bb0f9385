import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { describeIssues } from './format-issues';

/** `bentofile.yaml`: what to build and which service is the entry. */
export const BentofileSchema = z.object({
  service: z
    .string()
    .regex(/^[^:]+:[A-Za-z_$][\w$]*$/, 'a target like "service:MyService" (module:ExportName)'),
  name: z.string().optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  envs: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
});

export type Bentofile = z.infer<typeof BentofileSchema>;

/** Reads and validates a bentofile; every error names the file, the path and what was expected. */
export async function readBentofile(file: string): Promise<Bentofile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read ${file}: ${(cause as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`${file} is not valid YAML: ${(cause as Error).message}`);
  }
  const parsed = BentofileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(`${file} is invalid: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
