/** A Kubernetes object as the renderer makes it and the API server takes it (plain JSON). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Kinds the renderer makes that live in no namespace. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

export function isNamespaced(object: KubeObject): boolean {
  return !CLUSTER_SCOPED.has(object.kind);
}

/** `Deployment/controlnet-sdxl`: how objects are named in progress lines and errors. */
export function describeObject(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}
