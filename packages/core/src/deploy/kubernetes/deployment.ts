import { CONFIG_OVERRIDES_ENV, INTERNAL_TOKEN_ENV, SERVICE_MAP_ENV } from '../env-names';
import type { RenderOptions } from '../render-options';
import type { ServicePlan } from '../service-plan';
import { selectorLabels, serviceLabels } from './labels';
import { autoscaled } from './autoscaling';
import { metadata, type KubeObject } from './object';
import { CONTAINER_PORT, TERMINATION_GRACE_SECONDS, containerHealth } from './probes';
import { podScheduling } from './scheduling';

/** What a Deployment needs besides its service's plan. */
export interface DeploymentContext {
  deployment: string;
  /** The service map of this service's dependencies (name → in-cluster address). */
  serviceMap: Record<string, string>;
  /** The Secret holding the internal token (key `token`). */
  tokenSecret: string;
  options: RenderOptions;
}

/**
 * Requests from the merged resources; limits only for memory (a container over its request is
 * OOM-killed rather than starving its neighbours) and GPUs (which Kubernetes only takes as limits).
 * No CPU limit: CFS throttling would stall the event loop in bursts, and the request already
 * reserves the cores.
 */
function containerResources(plan: ServicePlan): Record<string, unknown> {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (plan.resources.cpu) requests.cpu = plan.resources.cpu;
  if (plan.resources.memory) requests.memory = limits.memory = plan.resources.memory;
  if (plan.resources.gpu > 0) limits['nvidia.com/gpu'] = String(plan.resources.gpu);
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

function containerEnv(plan: ServicePlan, context: DeploymentContext): unknown[] {
  const env: unknown[] = plan.envs.map(({ name, value }) => ({ name, value }));
  if (plan.runtimeOverrides) env.push({ name: CONFIG_OVERRIDES_ENV, value: plan.runtimeOverrides });
  if (plan.dependencies.length > 0) env.push({ name: SERVICE_MAP_ENV, value: JSON.stringify(context.serviceMap) });
  if (plan.usesToken) {
    env.push({ name: INTERNAL_TOKEN_ENV, valueFrom: { secretKeyRef: { name: context.tokenSecret, key: 'token' } } });
  }
  return env;
}

/**
 * Keeps serving capacity through a rollout (a new pod is ready before an old one goes); a GPU
 * pool without a spare GPU for the surge pod should use `deployment_strategy: Recreate`.
 */
function strategy(plan: ServicePlan): Record<string, unknown> {
  return plan.strategy === 'Recreate'
    ? { type: 'Recreate' }
    : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

/** The Deployment running one service of the graph: `bento serve --standalone --service <Name>`. */
export function renderDeploymentObject(plan: ServicePlan, context: DeploymentContext): KubeObject {
  const labels = serviceLabels(context.deployment, plan);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(`${context.deployment}-${plan.slug}`, labels, context.options.namespace),
    spec: {
      // With an autoscaler, no replicas here: every apply would reset them to the written value
      // (server-side apply would fight the autoscaler for the field), as the Kubernetes docs warn.
      // A new Deployment starts with one pod and the autoscaler brings it to min_replicas.
      ...(autoscaled(plan) ? {} : { replicas: plan.minReplicas }),
      selector: { matchLabels: selectorLabels(context.deployment, plan) },
      strategy: strategy(plan),
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          ...podScheduling(plan, context.options),
          containers: [
            {
              name: plan.slug,
              image: plan.image,
              command: plan.command,
              ports: [CONTAINER_PORT],
              env: containerEnv(plan, context),
              ...(plan.secrets.length ? { envFrom: plan.secrets.map((name) => ({ secretRef: { name } })) } : {}),
              resources: containerResources(plan),
              ...containerHealth(plan),
            },
          ],
        },
      },
    },
  };
}
