import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { describeIssues } from './format-issues';

/** Checks YAML content against `schema`; `source` (the file) is named in every error, with each problem's path. */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads a YAML config file and checks it: a missing file, bad YAML and a wrong field are each a ConfigError naming the file. */
export async function readYamlConfig<S extends z.ZodType>(schema: S, file: string): Promise<z.output<S>> {
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
  return parseConfig(schema, raw, file);
}
