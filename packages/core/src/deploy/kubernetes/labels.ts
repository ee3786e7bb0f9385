import type { ServicePlan } from '../service-plan';

/**
 * The labels a service's pods are selected by: stable for the life of the Deployment (a
 * Deployment's selector cannot change), so nothing that varies per release goes in here.
 */
export function selectorLabels(deployment: string, plan: ServicePlan): Record<string, string> {
  return { 'app.kubernetes.io/name': plan.slug, 'app.kubernetes.io/instance': deployment };
}

/** Labels of every object of a service: the selector's, the recommended ones and the bento ones. */
export function serviceLabels(deployment: string, plan: ServicePlan): Record<string, string> {
  return {
    ...plan.labels,
    ...selectorLabels(deployment, plan),
    'app.kubernetes.io/part-of': deployment,
    'app.kubernetes.io/managed-by': 'bento',
    'bento.ai/service': plan.name,
  };
}

/** Labels of the objects that belong to the whole deployment (the token Secret, the Ingress). */
export function deploymentLabels(deployment: string): Record<string, string> {
  return { 'app.kubernetes.io/part-of': deployment, 'app.kubernetes.io/managed-by': 'bento' };
}
