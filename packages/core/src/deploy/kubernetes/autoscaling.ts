import { IN_FLIGHT_GAUGE } from '../../config/autoscaling-metrics';
import type { RenderOptions } from '../render-options';
import type { ServicePlan } from '../service-plan';
import { selectorLabels, serviceLabels } from './labels';
import { metadata, type KubeObject } from './object';

/**
 * The gauge every service exports: requests holding a slot of `max_concurrency`, summed over the
 * workers of a replica (config/autoscaling-metrics.ts).
 */
export const IN_FLIGHT_METRIC = IN_FLIGHT_GAUGE;

/** CPU utilisation (of the request) the autoscaler aims at by default. */
const CPU_TARGET_PERCENT = 70;

/**
 * Requests in flight per replica the autoscaler aims at: `traffic.concurrency` when the service
 * sets it (that is what it is for), else 80% of what a replica runs before it queues or answers
 * 429 (`max_concurrency`, which holds across all the workers of a replica).
 */
export function targetInFlight(plan: ServicePlan): number {
  if (plan.traffic.concurrency) return plan.traffic.concurrency;
  return Math.max(1, Math.floor(plan.traffic.max_concurrency * 0.8));
}

/** Whether a service gets an autoscaler: only when its replicas may vary (min < max). */
export function autoscaled(plan: ServicePlan): boolean {
  return plan.minReplicas < plan.maxReplicas;
}

/**
 * Scales a service between `min_replicas` and `max_replicas`. CPU utilisation works on any cluster
 * (metrics-server), but a GPU service's CPU is idle while its GPU is saturated; with a metrics
 * adapter serving our Prometheus gauge as a Pods metric, requests in flight per replica is the
 * measure of load that holds for both.
 */
export function renderAutoscaler(plan: ServicePlan, deployment: string, options: RenderOptions): KubeObject {
  const metric = options.metricsAdapter
    ? { type: 'Pods', pods: { metric: { name: IN_FLIGHT_METRIC }, target: { type: 'AverageValue', averageValue: String(targetInFlight(plan)) } } }
    : { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: CPU_TARGET_PERCENT } } };
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(`${deployment}-${plan.slug}`, serviceLabels(deployment, plan), options.namespace),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${deployment}-${plan.slug}` },
      minReplicas: plan.minReplicas,
      maxReplicas: plan.maxReplicas,
      metrics: [metric],
    },
  };
}

/**
 * At most one pod of a service evicted at a time (node drains, cluster upgrades). `maxUnavailable:
 * 1` rather than `minAvailable: 1`: with one replica, `minAvailable: 1` would block every drain
 * of its node forever, and with five it would let four go at once.
 */
export function renderDisruptionBudget(plan: ServicePlan, deployment: string, options: RenderOptions): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(`${deployment}-${plan.slug}`, serviceLabels(deployment, plan), options.namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(deployment, plan) } },
  };
}
