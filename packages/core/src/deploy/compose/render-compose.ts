import { parseDeploymentConfig } from '../../config/read-deployment-config';
import { CONFIG_OVERRIDES_ENV, INTERNAL_TOKEN_ENV, SERVICE_MAP_ENV } from '../env-names';
import type { GraphManifest } from '../graph-manifest';
import { SERVICE_PORT, type RenderOptions } from '../render-options';
import { deploymentName, planServices, type ServicePlan } from '../service-plan';

/** A compose file as plain data (the Compose Specification's `services`). */
export interface ComposeFile {
  name: string;
  services: Record<string, Record<string, unknown>>;
}

/** What `renderCompose` takes: the same as `renderDeployment`. */
export interface RenderComposeInput {
  manifest: GraphManifest;
  config?: unknown;
  options?: RenderOptions;
}

/** Seconds compose waits after SIGTERM: the server drains for up to 30 s, then shuts down. */
const STOP_GRACE = '45s';

/**
 * A health check on /readyz with `node -e` (the images have no curl): healthy once the models are
 * loaded and the dependencies ready, so `depends_on: service_healthy` starts a caller after its
 * callee and `docker compose up --wait` returns when the graph can serve.
 */
function healthcheck(plan: ServicePlan): Record<string, unknown> {
  const probe = `require('node:http').get({ host: '127.0.0.1', port: ${SERVICE_PORT}, path: '/readyz', timeout: 4000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`;
  return { test: ['CMD', 'node', '-e', probe], interval: '10s', timeout: '5s', retries: 3, start_period: plan.resources.gpu > 0 ? '600s' : '120s' };
}

function composeService(plan: ServicePlan, plans: ServicePlan[]): Record<string, unknown> {
  const environment: Record<string, string> = Object.fromEntries(plan.envs.map(({ name, value }) => [name, value]));
  if (plan.runtimeOverrides) environment[CONFIG_OVERRIDES_ENV] = plan.runtimeOverrides;
  if (plan.dependencies.length > 0) {
    const map = Object.fromEntries(plan.dependencies.map((name) => [name, `http://${plans.find((p) => p.name === name)!.slug}:${SERVICE_PORT}`]));
    environment[SERVICE_MAP_ENV] = JSON.stringify(map);
  }
  // Never written into the file: compose takes it from the environment or the .env file beside it.
  if (plan.usesToken) environment[INTERNAL_TOKEN_ENV] = `\${${INTERNAL_TOKEN_ENV}:?set ${INTERNAL_TOKEN_ENV} (a shared random secret) in .env or the environment}`;
  const service: Record<string, unknown> = {
    image: plan.image,
    command: plan.command,
    environment,
    // The long syntax: `3000:3000` unquoted is a base-60 number to YAML 1.1 parsers.
    ...(plan.isEntry ? { ports: [{ target: SERVICE_PORT, published: String(SERVICE_PORT), protocol: 'tcp' }] } : {}),
    ...(plan.dependencies.length ? { depends_on: Object.fromEntries(plan.dependencies.map((name) => [plans.find((p) => p.name === name)!.slug, { condition: 'service_healthy' }])) } : {}),
    healthcheck: healthcheck(plan),
    stop_grace_period: STOP_GRACE,
    restart: 'unless-stopped',
  };
  if (plan.resources.gpu > 0) {
    service.deploy = { resources: { reservations: { devices: [{ driver: 'nvidia', count: plan.resources.gpu, capabilities: ['gpu'] }] } } };
  }
  return service;
}

/**
 * The graph on one host with Docker Compose: one compose service per service (named by its DNS
 * name), the same commands and environment as on Kubernetes, the service map by compose's DNS
 * names, GPUs reserved through `deploy.resources.reservations.devices`. Replicas, autoscaling and
 * `secrets` (Kubernetes Secrets) have no meaning on one host and are left out.
 */
export function renderCompose({ manifest, config: rawConfig, options = {} }: RenderComposeInput): ComposeFile {
  const config = parseDeploymentConfig(rawConfig, options.configSource ?? 'the deployment config');
  const plans = planServices(manifest, config, options);
  return {
    name: deploymentName(manifest, config),
    services: Object.fromEntries(plans.map((plan) => [plan.slug, composeService(plan, plans)])),
  };
}
