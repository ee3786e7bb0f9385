/** A Kubernetes object as rendered: plain data, written out as YAML or sent to the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Metadata every object of a deployment carries. */
export function metadata(name: string, labels: Record<string, string>, namespace: string | undefined): KubeObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), labels };
}
