import { ConfigError } from '../../errors';

/** `@kubernetes/client-node` is an ES module: loaded with import() when a deploy applies, never by serving. */
export function loadKubernetesClient() {
  return import('@kubernetes/client-node');
}

export type KubernetesClient = Awaited<ReturnType<typeof loadKubernetesClient>>;

/** Where to apply: a kubeconfig file and context (default: the user's current ones) and a namespace. */
export interface ClusterTarget {
  /** A kubeconfig file; default `$KUBECONFIG` or `~/.kube/config` (or the in-cluster service account). */
  kubeconfig?: string;
  context?: string;
  /** Default: the context's namespace, else `default`. */
  namespace?: string;
}

/** The clients a deploy uses, made from the kubeconfig, and the namespace it applies to. */
export interface ClusterConnection {
  k8s: KubernetesClient;
  objects: InstanceType<KubernetesClient['KubernetesObjectApi']>;
  apps: InstanceType<KubernetesClient['AppsV1Api']>;
  core: InstanceType<KubernetesClient['CoreV1Api']>;
  namespace: string;
  /** The API server's URL, for messages. */
  server: string;
}

export async function connect(target: ClusterTarget): Promise<ClusterConnection> {
  const k8s = await loadKubernetesClient();
  const config = new k8s.KubeConfig();
  try {
    if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
    else config.loadFromDefault();
  } catch (cause) {
    throw new ConfigError(`Cannot read the kubeconfig${target.kubeconfig ? ` ${target.kubeconfig}` : ''}: ${(cause as Error).message}`);
  }
  if (target.context) {
    if (!config.getContextObject(target.context)) {
      throw new ConfigError(`The kubeconfig has no context ${JSON.stringify(target.context)}; it has: ${config.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    }
    config.setCurrentContext(target.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new ConfigError('The kubeconfig names no current cluster: run `kubectl config use-context <name>` or pass --context');
  const namespace = target.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return {
    k8s,
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    apps: config.makeApiClient(k8s.AppsV1Api),
    core: config.makeApiClient(k8s.CoreV1Api),
    namespace,
    server: cluster.server,
  };
}
