import type { ClusterConnection } from './cluster-client';
import { apiMessageOf, DeploymentError } from './deploy-error';
import { describeObject, isNamespaced, type KubeObject } from './kube-object';

/** The field manager of server-side apply: the fields bento sets are owned by `bento`. */
export const FIELD_MANAGER = 'bento';

/**
 * Applies each object with server-side apply (`PATCH` with `application/apply-patch+yaml`, field
 * manager `bento`, `force`: bento owns what it renders, even where another manager set it before).
 * The same call creates an object or updates it, so applying twice changes nothing the second time.
 */
export async function applyObjects(connection: ClusterConnection, objects: readonly KubeObject[], report: (line: string) => void): Promise<void> {
  for (const object of objects) {
    const body = isNamespaced(object) ? { ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? connection.namespace } } : object;
    try {
      await connection.objects.patch(body, undefined, undefined, FIELD_MANAGER, true, connection.k8s.PatchStrategy.ServerSideApply);
    } catch (cause) {
      throw new DeploymentError(`Applying ${describeObject(object)} to ${connection.server} failed: ${apiMessageOf(cause)}`, { object: describeObject(object) }, cause);
    }
    report(`applied ${describeObject(object)}`);
  }
}
