import { ConfigError } from '../errors';
import type { ServiceDefinition } from '../sdk/definition';

/**
 * Applies a service's `envs` to the process: a listed variable with a value is set unless the
 * environment already has one; a listed variable with no value must be set, else serving fails
 * with one error naming every missing variable.
 */
export function applyServiceEnvs(definition: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): void {
  const missing: string[] = [];
  for (const { name, value } of definition.options.envs) {
    if (env[name] !== undefined) continue;
    if (value !== undefined) env[name] = value;
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `Service ${definition.name} needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (listed in its envs without a value); set ${missing.length > 1 ? 'them' : 'it'} before serving`,
      { missing },
    );
  }
}
