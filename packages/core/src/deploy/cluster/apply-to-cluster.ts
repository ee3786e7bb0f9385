import { connect, type ClusterTarget } from './cluster-client';
import { applyObjects } from './apply-objects';
import { followRollouts } from './follow-rollout';
import type { KubeObject } from './kube-object';

export interface ApplyOptions extends ClusterTarget {
  /** Seconds every Deployment may take to become available (default 900: large models load slowly). */
  rolloutTimeoutSeconds?: number;
  /** Milliseconds between two looks at the rollout (default 2000). */
  pollMs?: number;
  /** Where progress lines go (default: stderr). */
  report?: (line: string) => void;
  /** Apply only; do not wait for the rollout. */
  noWait?: boolean;
}

/**
 * Applies rendered objects to the cluster of the current kubeconfig context (server-side apply,
 * field manager `bento`), then follows the Deployments' rollout until every replica is available,
 * failing with the failing pod's events. Resolves the namespace it applied to.
 */
export async function applyToCluster(objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<{ namespace: string; server: string }> {
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const connection = await connect(options);
  report(`applying ${objects.length} objects to ${connection.server}, namespace ${connection.namespace}`);
  await applyObjects(connection, objects, report);
  if (!options.noWait) {
    await followRollouts(connection, objects.filter((o) => o.kind === 'Deployment'), {
      timeoutMs: (options.rolloutTimeoutSeconds ?? 900) * 1000,
      pollMs: options.pollMs ?? 2000,
      report,
    });
  }
  return { namespace: connection.namespace, server: connection.server };
}
