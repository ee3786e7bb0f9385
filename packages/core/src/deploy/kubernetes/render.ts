import type { DeploymentConfig } from '../../config/deployment-config';
import { parseDeploymentConfig } from '../../config/read-deployment-config';
import { ConfigError } from '../../errors';
import type { GraphManifest } from '../graph-manifest';
import { SERVICE_PORT, type RenderOptions } from '../render-options';
import { deploymentName, planServices } from '../service-plan';
import { autoscaled, renderAutoscaler, renderDisruptionBudget } from './autoscaling';
import { renderDeploymentObject } from './deployment';
import { renderIngress, renderServiceObject } from './network';
import type { KubeObject } from './object';
import { renderTokenSecret, tokenSecretName } from './secret';

/** What `renderDeployment` takes: the graph, the deployment config and the render options. */
export interface RenderDeploymentInput {
  /** The service graph: `graphManifest(Entry)`, or the `services` of a built bento's bento.yaml. */
  manifest: GraphManifest;
  /** The deployment config file's content (checked again here); default: every service as declared. */
  config?: DeploymentConfig | unknown;
  options?: RenderOptions;
}

/**
 * The Kubernetes objects that run a service graph: per service a Deployment, a Service, a
 * HorizontalPodAutoscaler (when `min_replicas` < `max_replicas`) and a PodDisruptionBudget, plus the internal token's Secret and, with
 * `ingressHost`, an Ingress for the entry. Plain objects, ready to be written as YAML or applied.
 *
 * @example
 * ```ts
 * const objects = renderDeployment({ manifest: graphManifest(ControlNet), config, options: { imagePrefix: 'registry.example.com/ml', version: '1.0.0' } });
 * ```
 */
export function renderDeployment({ manifest, config: rawConfig, options = {} }: RenderDeploymentInput): KubeObject[] {
  const config = parseDeploymentConfig(rawConfig, options.configSource ?? 'the deployment config');
  const deployment = deploymentName(manifest, config);
  const plans = planServices(manifest, config, options);
  const address = (name: string) => {
    const plan = plans.find((p) => p.name === name)!;
    // The Service's short name: it resolves in the deployment's own namespace, whichever that is
    // (a namespace set later by kustomize included).
    return `http://${deployment}-${plan.slug}:${SERVICE_PORT}`;
  };
  for (const plan of plans) {
    const name = `${deployment}-${plan.slug}`;
    if (name.length > 63) throw new ConfigError(`The object name ${name} is longer than Kubernetes allows (63): give the deployment a shorter name in the config file`);
  }
  const objects: KubeObject[] = [];
  const secret = plans.some((p) => p.usesToken) ? renderTokenSecret(deployment, options) : undefined;
  if (secret) objects.push(secret);
  for (const plan of plans) {
    const serviceMap = Object.fromEntries(plan.dependencies.map((name) => [name, address(name)]));
    objects.push(
      renderDeploymentObject(plan, { deployment, serviceMap, tokenSecret: tokenSecretName(deployment, options), options }),
      renderServiceObject(plan, deployment, options),
      ...(autoscaled(plan) ? [renderAutoscaler(plan, deployment, options)] : []),
      renderDisruptionBudget(plan, deployment, options),
    );
  }
  if (options.ingressHost) {
    objects.push(renderIngress(plans.find((p) => p.isEntry)!, deployment, { ...options, ingressHost: options.ingressHost }));
  }
  return objects;
}
