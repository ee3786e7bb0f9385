import { SERVICE_PORT } from '../render-options';
import type { ServicePlan } from '../service-plan';

/** Seconds the preStop hook waits: long enough for endpoints to drop the pod before it drains. */
export const PRE_STOP_SECONDS = 5;
/** The server's drain: requests in flight get up to 30 s after SIGTERM (ServiceServer). */
const DRAIN_SECONDS = 30;
/** preStop, then the drain, then 10 s for onShutdown before the kubelet kills the process. */
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + DRAIN_SECONDS + 10;

const PERIOD_SECONDS = 5;

/**
 * How long a container may take to answer /livez at all. `/livez` answers as soon as the server
 * listens (before models load), so this covers starting node, compiling TypeScript and importing
 * native modules — slow on a cold GPU node pulling CUDA libraries, hence 10 minutes there.
 */
export function startupWindowSeconds(plan: ServicePlan): number {
  return plan.resources.gpu > 0 ? 600 : 120;
}

/**
 * Probes and the stop hook. Readiness is /readyz, which stays 503 while `onStartup` loads the
 * models and while a dependency is not ready, so it never needs a long window: the pod simply
 * gets no traffic. Liveness is /livez, checked only after the startup probe passed.
 */
export function containerHealth(plan: ServicePlan): Record<string, unknown> {
  const get = (path: string) => ({ httpGet: { path, port: 'http' } });
  return {
    startupProbe: { ...get('/livez'), periodSeconds: PERIOD_SECONDS, failureThreshold: Math.ceil(startupWindowSeconds(plan) / PERIOD_SECONDS) },
    readinessProbe: { ...get('/readyz'), periodSeconds: PERIOD_SECONDS, timeoutSeconds: 3, failureThreshold: 2 },
    livenessProbe: { ...get('/livez'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Endpoints are updated asynchronously: without the pause, requests still routed to the pod
    // after SIGTERM would find its listener refusing them. The drain itself follows SIGTERM.
    lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
  };
}

/** The container port, named so probes and Services refer to it by name. */
export const CONTAINER_PORT = { name: 'http', containerPort: SERVICE_PORT, protocol: 'TCP' };
