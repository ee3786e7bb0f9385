import type { ClusterConnection } from './cluster-client';
import { apiMessageOf, DeploymentError } from './deploy-error';
import { describeObject, isNamespaced, type KubeObject } from './kube-object';

/** The field manager of server-side apply: the fields bento sets are owned by `bento`. */
export const FIELD_MANAGER = 'bento';

/**
 * Applies each object with server-side apply (`PATCH` with `application/apply-patch+yaml`, field
 * manager `bento`, `force`: bento owns what it renders, even where another manager set it before).
 * The same call creates an object or updates it, so applying twice changes nothing the second time.
 * A Secret that exists already is left as it is (see below).
 */
export async function applyObjects(connection: ClusterConnection, objects: readonly KubeObject[], report: (line: string) => void): Promise<void> {
  for (const object of objects) {
    // The internal token Secret is made once: a new token on every deploy would have old and new
    // pods refuse each other's calls (401) until all had restarted.
    if (object.kind === 'Secret' && (await secretExists(connection, object.metadata.name, object.metadata.namespace ?? connection.namespace))) {
      report(`kept ${describeObject(object)} (it exists: its token stays)`);
      continue;
    }
    const body = isNamespaced(object) ? { ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? connection.namespace } } : object;
    try {
      await connection.objects.patch(body, undefined, undefined, FIELD_MANAGER, true, connection.k8s.PatchStrategy.ServerSideApply);
    } catch (cause) {
      throw new DeploymentError(`Applying ${describeObject(object)} to ${connection.server} failed: ${apiMessageOf(cause)}`, { object: describeObject(object) }, cause);
    }
    report(`applied ${describeObject(object)}`);
  }
}

async function secretExists(connection: ClusterConnection, name: string, namespace: string): Promise<boolean> {
  try {
    await connection.core.readNamespacedSecret({ name, namespace });
    return true;
  } catch (cause) {
    if ((cause as { code?: number }).code === 404) return false;
    throw new DeploymentError(`Reading Secret/${name} failed: ${apiMessageOf(cause)}`, undefined, cause);
  }
}
