/** How a deployment is rendered: what the config file does not say (images, namespace, exposure). */
export interface RenderOptions {
  /** Registry and path the images live under, e.g. `registry.example.com/team`; none: local names. */
  imagePrefix?: string;
  /** The images' tag. Default `latest`. */
  version?: string;
  /** Namespace of every object. Default: none written (kubectl's current namespace). */
  namespace?: string;
  /**
   * What `bento serve` loads inside the image (`service.ts:Entry`). Default: none, so it reads
   * `service:` from the bentofile.yaml of the image's working directory, as the app images do.
   */
  serveTarget?: string;
  /**
   * The graph's internal token, written into the rendered Secret. Default: 32 random bytes, new
   * on every render. Tests pass a placeholder so their goldens are stable.
   */
  internalToken?: string;
  /** Use this existing Secret (key `token`) for the internal token and render none. */
  internalTokenSecret?: string;
  /** How the entry service is exposed: its Service's type. Default `ClusterIP`. */
  entryServiceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Render an Ingress for the entry service on this host. */
  ingressHost?: string;
  /** The Ingress's `ingressClassName`; default: the cluster's default class. */
  ingressClass?: string;
  /**
   * Scale on requests in flight per replica (the Pods metric `bento_service_requests_in_flight`,
   * served by a metrics adapter such as prometheus-adapter) instead of CPU utilisation.
   */
  metricsAdapter?: boolean;
  /** The node label `instance_type` is matched against. Default `bento.ai/instance-type`. */
  instanceTypeLabel?: string;
  /**
   * Require nodes carrying the instance type label (a nodeSelector). Default: only prefer them
   * (node affinity), so a cluster whose nodes carry no such label still schedules the pods.
   */
  requireInstanceType?: boolean;
  /** Where the config came from, named in errors (the file). */
  configSource?: string;
}

/** The port every service listens on inside its container and its Service. */
export const SERVICE_PORT = 3000;
