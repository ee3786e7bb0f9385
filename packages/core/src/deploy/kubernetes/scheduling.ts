import type { RenderOptions } from '../render-options';
import type { ServicePlan } from '../service-plan';

/** The default node label an `instance_type` is matched against. */
export const DEFAULT_INSTANCE_TYPE_LABEL = 'bento.ai/instance-type';

/**
 * Where a service's pods may run. The instance type is a node label (`bento.ai/instance-type:
 * gpu.l4.1`, or the label `instanceTypeLabel` names), preferred by default — no cluster labels its
 * nodes this way out of the box, and a required match would leave the pods Pending — or required
 * with `requireInstanceType`. GPU services also tolerate the `nvidia.com/gpu` taint GPU node pools
 * usually carry; the `nvidia.com/gpu` limit is what actually puts them on a GPU node.
 */
export function podScheduling(plan: ServicePlan, options: RenderOptions): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const key = options.instanceTypeLabel ?? DEFAULT_INSTANCE_TYPE_LABEL;
  if (plan.instanceType) {
    if (options.requireInstanceType) {
      spec.nodeSelector = { [key]: plan.instanceType.name };
    } else {
      spec.affinity = {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, preference: { matchExpressions: [{ key, operator: 'In', values: [plan.instanceType.name] }] } },
          ],
        },
      };
    }
  }
  if (plan.resources.gpu > 0) {
    spec.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
  }
  return spec;
}
