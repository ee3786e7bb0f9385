import { DeploymentConfigSchema, type DeploymentConfig } from './deployment-config';
import { parseConfig, readYamlConfig } from './read-yaml-file';

/**
 * Checks a deployment config's content; `source` (the file) is named in every error, with each
 * problem's path (`services.SDXLControlNetService.scaling.min_replicas`) and what was expected.
 */
export function parseDeploymentConfig(raw: unknown, source: string): DeploymentConfig {
  return parseConfig(DeploymentConfigSchema, raw, source);
}

/** Reads and checks a deployment config file (`config-file.yaml`). */
export function readDeploymentConfig(file: string): Promise<DeploymentConfig> {
  return readYamlConfig(DeploymentConfigSchema, file);
}
