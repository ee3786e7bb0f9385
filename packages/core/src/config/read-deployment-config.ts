import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { DeploymentConfigSchema, type DeploymentConfig } from './deployment-config';
import { describeIssues } from './format-issues';

/**
 * Checks a deployment config's content; `source` (the file) is named in every error, with each
 * problem's path (`services.SDXLControlNetService.scaling.min_replicas`) and what was expected.
 */
export function parseDeploymentConfig(raw: unknown, source: string): DeploymentConfig {
  const parsed = DeploymentConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads and checks a deployment config file (`config-file.yaml`). */
export async function readDeploymentConfig(file: string): Promise<DeploymentConfig> {
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
  return parseDeploymentConfig(raw, file);
}
