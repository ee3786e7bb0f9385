import { newInternalToken } from '../internal-token';
import type { RenderOptions } from '../render-options';
import { deploymentLabels } from './labels';
import { metadata, type KubeObject } from './object';

/** The name of the rendered internal token Secret. */
export function tokenSecretName(deployment: string, options: RenderOptions): string {
  return options.internalTokenSecret ?? `${deployment}-internal-token`;
}

/**
 * The Secret every service of the graph reads `BENTO_INTERNAL_TOKEN` from (key `token`): a fresh
 * random token unless `internalToken` is given. Rendering again makes a new one; applying it
 * while old pods run would split the graph (see docs/deploy.md), so `internalTokenSecret` names
 * an existing Secret instead and none is rendered.
 */
export function renderTokenSecret(deployment: string, options: RenderOptions): KubeObject | undefined {
  if (options.internalTokenSecret) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(tokenSecretName(deployment, options), deploymentLabels(deployment), options.namespace),
    type: 'Opaque',
    stringData: { token: options.internalToken ?? newInternalToken() },
  };
}
