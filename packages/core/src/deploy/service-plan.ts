import type { DeploymentConfig, RuntimeOverrides, ServiceDeploymentConfig } from '../config/deployment-config';
import type { ResolvedServiceOptions } from '../config/service-options';
import { trafficProblems } from '../config/traffic-consistency';
import { ConfigError } from '../errors';
import { CONFIG_OVERRIDES_ENV, INTERNAL_TOKEN_ENV, SERVICE_MAP_ENV } from './env-names';
import type { GraphManifest, ServiceManifest } from './graph-manifest';
import { parseInstanceType, type InstanceType } from './instance-type';
import { SERVICE_PORT, type RenderOptions } from './render-options';

/** Variables the renderer writes itself: a config that sets them would be overridden or fight it. */
const RESERVED_ENVS = new Set([SERVICE_MAP_ENV, INTERNAL_TOKEN_ENV, CONFIG_OVERRIDES_ENV, 'PORT']);

/**
 * One service as it is deployed: its options with the config's overrides applied and everything
 * the Kubernetes and compose renderers share (image, command, envs, replicas). Rendering a target
 * is then only a matter of spelling.
 */
export interface ServicePlan {
  name: string;
  /** The service's name as a DNS label (`sdxlcontrolnetservice`). */
  slug: string;
  isEntry: boolean;
  /** Whether other services of the graph call it (it serves the internal route). */
  called: boolean;
  /** Whether it calls or is called by services of the graph: it needs the internal token. */
  usesToken: boolean;
  dependencies: string[];
  image: string;
  /** The container's command: `bento serve … --standalone --service <Name>`. */
  command: string[];
  /** Merged environment: the config's top-level, then its service's, then the service's own. */
  envs: Array<{ name: string; value: string }>;
  /**
   * `BENTO_CONFIG_OVERRIDES`: the traffic and workers overrides of every service of the graph
   * (the same in every process: a caller waits for its callee by the callee's timeout), if any.
   */
  runtimeOverrides?: string;
  resources: { cpu?: string; memory?: string; gpu: number };
  traffic: ResolvedServiceOptions['traffic'];
  workers: ResolvedServiceOptions['workers'];
  instanceType?: InstanceType;
  minReplicas: number;
  maxReplicas: number;
  strategy: 'RollingUpdate' | 'Recreate';
  labels: Record<string, string>;
  secrets: string[];
}

/** A name as a DNS-1035 label: lower case, "_" as "-". */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
}

/** The deployment's name: the config's `name`, else the entry service's. */
export function deploymentName(manifest: GraphManifest, config: DeploymentConfig): string {
  return config.name ?? dnsName(manifest.entry);
}

/** Every service named in `config.services` must be in the graph. */
export function checkConfigServices(config: DeploymentConfig, manifest: GraphManifest, source: string): void {
  const known = manifest.services.map((s) => s.name);
  for (const name of Object.keys(config.services)) {
    if (!known.includes(name)) {
      throw new ConfigError(`${source} is invalid: services.${name}: no service named ${name} in the graph of ${manifest.entry} (its services: ${known.join(', ')})`);
    }
  }
}

function mergeEnvs(service: ServiceManifest, config: DeploymentConfig, own: ServiceDeploymentConfig | undefined, source: string): ServicePlan['envs'] {
  const layers = [
    { envs: config.envs ?? [], path: 'envs' },
    { envs: own?.envs ?? [], path: `services.${service.name}.envs` },
  ];
  const merged = new Map<string, string | undefined>();
  for (const { envs, path } of layers) {
    for (const env of envs) {
      if (RESERVED_ENVS.has(env.name)) throw new ConfigError(`${source} is invalid: ${path}: ${env.name} is set by the renderer`);
      merged.set(env.name, env.value ?? merged.get(env.name));
    }
  }
  // The service's own envs are defaults: a value from the config wins.
  for (const env of service.options.envs) {
    if (!merged.has(env.name) || merged.get(env.name) === undefined) merged.set(env.name, merged.get(env.name) ?? env.value);
  }
  const secrets = [...(config.secrets ?? []), ...(own?.secrets ?? [])];
  const result: ServicePlan['envs'] = [];
  for (const [name, value] of merged) {
    if (value !== undefined) result.push({ name, value });
    else if (secrets.length === 0) {
      // Without a value here and no Secret it could come from, the service would refuse to start.
      throw new ConfigError(`${source}: ${service.name} needs the environment variable ${name}: give it a value in services.${service.name}.envs (or envs), or name a Secret holding it in services.${service.name}.secrets`);
    }
  }
  return result;
}

function gpusOf(service: ServiceManifest, own: ServiceDeploymentConfig | undefined, instanceType: InstanceType | undefined, source: string): number {
  const overridden = (own?.config ?? own?.config_overrides)?.resources?.gpu;
  if (instanceType && overridden !== undefined && overridden !== instanceType.gpus) {
    throw new ConfigError(`${source} is invalid: services.${service.name}: resources.gpu is ${overridden} but instance_type ${instanceType.name} has ${instanceType.gpus}`);
  }
  // The instance type is the deployment's word on the hardware; the service's own gpu a default.
  return overridden ?? instanceType?.gpus ?? service.options.resources?.gpu ?? 0;
}

/** The service's traffic with the deployment's overrides over it; refused when the two disagree. */
function trafficOf(service: ServiceManifest, own: ServiceDeploymentConfig | undefined, source: string): ServicePlan['traffic'] {
  const traffic = { ...service.options.traffic, ...(own?.config ?? own?.config_overrides)?.traffic };
  const problems = trafficProblems(traffic);
  if (problems.length > 0) throw new ConfigError(`${source} is invalid: services.${service.name}: ${problems.join('; ')}`);
  return traffic;
}

function imageOf(service: ServiceManifest, name: string, options: RenderOptions): string {
  const base = `${name}-${dnsName(service.name)}:${options.version ?? 'latest'}`;
  return options.imagePrefix ? `${options.imagePrefix.replace(/\/+$/, '')}/${base}` : base;
}

/** The overrides the processes apply themselves, as `BENTO_CONFIG_OVERRIDES`'s JSON; none: undefined. */
function runtimeOverridesOf(config: DeploymentConfig): string | undefined {
  const overrides: RuntimeOverrides = {};
  for (const [name, own] of Object.entries(config.services)) {
    const { traffic, workers, cors } = own.config ?? own.config_overrides ?? {};
    if (traffic || workers !== undefined || cors) {
      overrides[name] = { ...(traffic ? { traffic } : {}), ...(workers !== undefined ? { workers } : {}), ...(cors ? { cors } : {}) };
    }
  }
  return Object.keys(overrides).length ? JSON.stringify(overrides) : undefined;
}

/** The plan of every service of the graph, in the manifest's order (dependencies first). */
export function planServices(manifest: GraphManifest, config: DeploymentConfig, options: RenderOptions): ServicePlan[] {
  const source = options.configSource ?? 'the deployment config';
  checkConfigServices(config, manifest, source);
  const name = deploymentName(manifest, config);
  const calledNames = new Set(manifest.services.flatMap((s) => s.dependencies));
  const runtimeOverrides = runtimeOverridesOf(config);
  return manifest.services.map((service): ServicePlan => {
    const own = config.services[service.name];
    const overrides = own?.config ?? own?.config_overrides ?? {};
    const instanceType = own?.instance_type ? parseInstanceType(own.instance_type) : undefined;
    const resources = { ...service.options.resources, ...overrides.resources };
    const called = calledNames.has(service.name);
    const isEntry = service.name === manifest.entry;
    const minReplicas = own?.scaling?.min_replicas ?? 1;
    return {
      name: service.name,
      slug: dnsName(service.name),
      isEntry,
      called,
      usesToken: called || service.dependencies.length > 0,
      dependencies: service.dependencies,
      image: imageOf(service, name, options),
      command: [
        'bento', 'serve', ...(options.serveTarget ? [options.serveTarget] : []),
        '--standalone', '--service', service.name, '--port', String(SERVICE_PORT),
        // `--service` of a non-entry service serves the internal route already; said explicitly so
        // the command stays right if the image's target is this service itself.
        ...(called ? ['--expose-internal'] : []),
      ],
      envs: mergeEnvs(service, config, own, source),
      runtimeOverrides,
      resources: {
        cpu: resources.cpu === undefined ? undefined : String(resources.cpu),
        memory: resources.memory,
        gpu: gpusOf(service, own, instanceType, source),
      },
      traffic: trafficOf(service, own, source),
      workers: overrides.workers ?? service.options.workers,
      instanceType,
      minReplicas,
      maxReplicas: own?.scaling?.max_replicas ?? minReplicas,
      strategy: own?.deployment_strategy ?? 'RollingUpdate',
      labels: { ...service.options.labels, ...config.labels, ...own?.labels },
      secrets: [...(config.secrets ?? []), ...(own?.secrets ?? [])],
    };
  });
}
