import { readDeploymentConfig } from '../config/read-deployment-config';
import { applyToCluster, type ApplyOptions } from './cluster/apply-to-cluster';
import type { KubeObject } from './cluster/kube-object';
import { renderDeployment } from './kubernetes/render';
import { loadManifest } from './load-manifest';
import type { RenderOptions } from './render-options';

/** What to deploy and how: `bento deploy` as a function. */
export interface CreateDeploymentInput {
  /** A built bento's folder (with bento.yaml), a source folder with bentofile.yaml, or a serve target like `./service.ts:Entry`. */
  bento: string;
  /** The deployment config file (config-file.yaml): instance types, scaling, envs, overrides. */
  configFile?: string;
  /** Image prefix and tag, namespace, entry exposure, …: the options of `bento deploy`. */
  render?: RenderOptions;
  /** Which cluster (kubeconfig, context, namespace) and how long to follow the rollout. */
  cluster?: ApplyOptions;
}

async function renderFor(input: CreateDeploymentInput): Promise<KubeObject[]> {
  const manifest = await loadManifest(input.bento);
  const config = input.configFile ? await readDeploymentConfig(input.configFile) : {};
  return renderDeployment({ manifest, config, options: input.render ?? {} });
}

/**
 * Deployments of a service graph to Kubernetes, from TypeScript.
 *
 * @example
 * ```ts fragment
 * await deployment.create({ bento: 'apps/controlnet', configFile: 'apps/controlnet/config-file.yaml', render: { imagePrefix: 'registry.example.com/ml', version: '1.0.0' } });
 * ```
 */
export const deployment = {
  /** Renders the graph's objects and applies them to the cluster, following the rollout (see applyToCluster). */
  async create(input: CreateDeploymentInput): Promise<{ namespace: string; objects: KubeObject[] }> {
    const objects = await renderFor(input);
    const { namespace } = await applyToCluster(objects, { namespace: input.render?.namespace, ...input.cluster });
    return { namespace, objects };
  },
  /** The objects `create` would apply, without touching a cluster. */
  render: renderFor,
};
