import type { KubeObject } from '../cluster/kube-object';

/** The one shape of a Kubernetes object, shared with the cluster client that applies it. */
export type { KubeObject } from '../cluster/kube-object';

/** Metadata every object of a deployment carries. */
export function metadata(name: string, labels: Record<string, string>, namespace: string | undefined): KubeObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), labels };
}
