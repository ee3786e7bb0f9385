import { SERVICE_PORT, type RenderOptions } from '../render-options';
import type { ServicePlan } from '../service-plan';
import { deploymentLabels, selectorLabels, serviceLabels } from './labels';
import { metadata, type KubeObject } from './object';

/**
 * The Service in front of one service's pods, on the same port as the containers, so the service
 * map's addresses read alike everywhere. Only the entry's may be a NodePort or LoadBalancer: the
 * others serve the internal route and must stay inside the cluster.
 */
export function renderServiceObject(plan: ServicePlan, deployment: string, options: RenderOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(`${deployment}-${plan.slug}`, serviceLabels(deployment, plan), options.namespace),
    spec: {
      type: plan.isEntry ? (options.entryServiceType ?? 'ClusterIP') : 'ClusterIP',
      selector: selectorLabels(deployment, plan),
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * An Ingress for the entry service on `options.ingressHost`. The annotations are ingress-nginx's
 * (others ignore them): its default 60 s read timeout and 1 MiB body would cut off a generation
 * and an uploaded photo.
 */
export function renderIngress(entry: ServicePlan, deployment: string, options: RenderOptions & { ingressHost: string }): KubeObject {
  const object: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...metadata(deployment, deploymentLabels(deployment), options.namespace),
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-read-timeout': String(Math.ceil(entry.traffic.timeout)),
        'nginx.ingress.kubernetes.io/proxy-send-timeout': String(Math.ceil(entry.traffic.timeout)),
        'nginx.ingress.kubernetes.io/proxy-body-size': '64m',
      },
    },
    spec: {
      ...(options.ingressClass ? { ingressClassName: options.ingressClass } : {}),
      rules: [
        {
          host: options.ingressHost,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: `${deployment}-${entry.slug}`, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
  return object;
}
