import type { ClusterConnection } from './cluster-client';
import { apiMessageOf, DeploymentError } from './deploy-error';
import type { KubeObject } from './kube-object';

/** Waiting reasons that do not get better by waiting: the rollout is reported failed at once. */
const FAILING_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export interface RolloutOptions {
  /** How long every Deployment may take to be available (model loading included). */
  timeoutMs: number;
  /** Time between two looks at the cluster. */
  pollMs: number;
  report(line: string): void;
}

interface RolloutState {
  name: string;
  line?: string;
  done: boolean;
}

/**
 * Follows the rollout of `deployments` until each has all its replicas updated and available (the
 * same test as `kubectl rollout status`), printing a line when one's state changes. A pod that
 * cannot start (crash loop, image pull) fails the deploy at once with that pod's events; the
 * timeout fails it with the events of every pod still not ready.
 */
export async function followRollouts(connection: ClusterConnection, deployments: readonly KubeObject[], options: RolloutOptions): Promise<void> {
  const states: RolloutState[] = deployments.map((d) => ({ name: d.metadata.name, done: false }));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    for (const state of states.filter((s) => !s.done)) await look(connection, state, options);
    if (states.every((s) => s.done)) return;
    if (Date.now() > deadline) {
      const waiting = states.filter((s) => !s.done);
      const events = await Promise.all(waiting.map((s) => podEvents(connection, s.name)));
      throw new DeploymentError(
        `Rollout not finished within ${options.timeoutMs / 1000}s: ${waiting.map((s) => s.line ?? s.name).join('; ')}${events.join('')}`,
        { waiting: waiting.map((s) => s.name) },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

async function look(connection: ClusterConnection, state: RolloutState, options: RolloutOptions): Promise<void> {
  const { apps, namespace } = connection;
  let deployment;
  try {
    deployment = await apps.readNamespacedDeployment({ name: state.name, namespace });
  } catch (cause) {
    throw new DeploymentError(`Reading Deployment/${state.name} failed: ${apiMessageOf(cause)}`, undefined, cause);
  }
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  state.done = observed && updated >= wanted && available >= wanted && (status.replicas ?? 0) <= wanted;
  const line = `Deployment/${state.name}: ${available}/${wanted} available${state.done ? ', rolled out' : ''}`;
  if (line !== state.line) options.report(line);
  state.line = line;
  if (!state.done) await failFast(connection, state.name, deployment.spec?.selector?.matchLabels ?? {});
}

/** Throws when a pod of the Deployment is stuck for a reason that waiting does not fix. */
async function failFast(connection: ClusterConnection, name: string, matchLabels: Record<string, string>): Promise<void> {
  const { core, namespace } = connection;
  const labelSelector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  for (const pod of pods.items) {
    const stuck = (pod.status?.containerStatuses ?? []).find((c) => c.state?.waiting?.reason && FAILING_REASONS.has(c.state.waiting.reason));
    if (!stuck && pod.status?.phase !== 'Failed') continue;
    const podName = pod.metadata?.name ?? '?';
    const why = stuck ? `${stuck.state!.waiting!.reason}${stuck.state!.waiting!.message ? ` (${stuck.state!.waiting!.message})` : ''}` : 'Failed';
    throw new DeploymentError(`Deployment/${name} failed: pod ${podName} is ${why}${await eventsOf(connection, podName)}`, { deployment: name, pod: podName });
  }
}

/** The events of the pods of a Deployment (found by name prefix), as lines. */
async function podEvents(connection: ClusterConnection, deployment: string): Promise<string> {
  const pods = await connection.core.listNamespacedPod({ namespace: connection.namespace });
  const names = pods.items.map((p) => p.metadata?.name ?? '').filter((n) => n.startsWith(`${deployment}-`));
  return (await Promise.all(names.map((n) => eventsOf(connection, n)))).join('');
}

async function eventsOf(connection: ClusterConnection, pod: string): Promise<string> {
  const events = await connection.core.listNamespacedEvent({ namespace: connection.namespace, fieldSelector: `involvedObject.name=${pod}` });
  const lines = events.items.map((e) => `\n  ${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`.trimEnd());
  return lines.length > 0 ? `\nEvents of pod ${pod}:${lines.join('')}` : `\n(pod ${pod} has no events)`;
}
