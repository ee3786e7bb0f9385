/**
 * A stand-in for a Kubernetes API server, for the apply path: no API server can run on the test
 * machines (no kube-apiserver, no network to fetch one). Its answers follow the Kubernetes API
 * reference — discovery lists, server-side apply (`PATCH` with `application/apply-patch+yaml`,
 * `fieldManager`, `force`), Deployment status, pods and events — and it checks every request the
 * way the real server would refuse it (wrong content type, missing field manager). It keeps the
 * applied objects, so a second apply is seen as an update, and it plays a rollout: each Deployment
 * read reports one more replica available, or, in the `crash` scenario, a pod in CrashLoopBackOff.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scenario = 'healthy' | 'crash';

interface Resource {
  kind: string;
  name: string;
  namespaced: boolean;
}

/** The discovery lists of the groups the renderer uses (as `GET /api/v1`, `GET /apis/apps/v1`, … answer). */
const DISCOVERY: Record<string, Resource[]> = {
  '/api/v1': [
    { kind: 'Service', name: 'services', namespaced: true },
    { kind: 'Secret', name: 'secrets', namespaced: true },
    { kind: 'Pod', name: 'pods', namespaced: true },
    { kind: 'Event', name: 'events', namespaced: true },
    { kind: 'Namespace', name: 'namespaces', namespaced: false },
  ],
  '/apis/apps/v1': [{ kind: 'Deployment', name: 'deployments', namespaced: true }],
  '/apis/autoscaling/v2': [{ kind: 'HorizontalPodAutoscaler', name: 'horizontalpodautoscalers', namespaced: true }],
  '/apis/policy/v1': [{ kind: 'PodDisruptionBudget', name: 'poddisruptionbudgets', namespaced: true }],
  '/apis/networking.k8s.io/v1': [{ kind: 'Ingress', name: 'ingresses', namespaced: true }],
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  authorization?: string;
  body?: unknown;
}

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** Applied objects by `namespace/kind/name`. */
  objects: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function statusBody(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeApiServer(scenario: Scenario, token: string): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Record<string, unknown>>();
  const reads = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const text = await readBody(req);
    const recorded: RecordedRequest = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'], authorization: req.headers.authorization };
    if (text) recorded.body = JSON.parse(text);
    requests.push(recorded);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));

    const discovery = DISCOVERY[url.pathname];
    if (req.method === 'GET' && discovery) {
      const groupVersion = url.pathname === '/api/v1' ? 'v1' : url.pathname.slice('/apis/'.length);
      return send(res, 200, { kind: 'APIResourceList', groupVersion, resources: discovery.map((r) => ({ name: r.name, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })) });
    }
    const match = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return send(res, 404, statusBody(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
    const [, namespace, resource, name] = match as unknown as [string, string, string, string | undefined];

    if (req.method === 'PATCH' && name) {
      if (req.headers['content-type'] !== 'application/apply-patch+yaml') return send(res, 415, statusBody(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`));
      if (!url.searchParams.get('fieldManager')) return send(res, 422, statusBody(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'));
      const body = JSON.parse(text) as { kind: string; metadata: Record<string, unknown> };
      const key = `${namespace}/${body.kind}/${name}`;
      const existing = objects.get(key) as { metadata: { generation: number } } | undefined;
      const generation = existing ? existing.metadata.generation + 1 : 1;
      const stored = { ...body, metadata: { ...body.metadata, namespace, uid: `uid-${name}`, resourceVersion: String(requests.length), generation } };
      objects.set(key, stored);
      return send(res, existing ? 200 : 201, stored);
    }
    if (req.method === 'GET' && resource === 'secrets' && name) {
      const stored = objects.get(`${namespace}/Secret/${name}`);
      return stored ? send(res, 200, stored) : send(res, 404, statusBody(404, 'NotFound', `secrets "${name}" not found`));
    }
    if (req.method === 'GET' && resource === 'deployments' && name) {
      const stored = objects.get(`${namespace}/Deployment/${name}`) as { spec: { replicas?: number }; metadata: { generation: number } } | undefined;
      if (!stored) return send(res, 404, statusBody(404, 'NotFound', `deployments.apps "${name}" not found`));
      const count = (reads.get(name) ?? 0) + 1;
      reads.set(name, count);
      const wanted = stored.spec.replicas ?? 1;
      // One more replica available at each look; none ever in the crash scenario.
      const available = scenario === 'crash' ? 0 : Math.min(wanted, count - 1);
      return send(res, 200, { ...stored, status: { observedGeneration: stored.metadata.generation, replicas: wanted, updatedReplicas: wanted, availableReplicas: available, readyReplicas: available } });
    }
    if (req.method === 'GET' && resource === 'pods' && !name) {
      const pods = scenario === 'crash'
        ? [{ metadata: { name: 'demo-sdxl-5d8f7c9b4-x2x7q', namespace }, status: { phase: 'Running', containerStatuses: [{ name: 'service', ready: false, restartCount: 4, image: 'demo-sdxl:1', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=service' } } }] } }]
        : [];
      return send(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: pods });
    }
    if (req.method === 'GET' && resource === 'events' && !name) {
      const involved = (url.searchParams.get('fieldSelector') ?? '').replace('involvedObject.name=', '');
      const items = scenario === 'crash'
        ? [
            { metadata: { name: `${involved}.1`, namespace }, involvedObject: { kind: 'Pod', name: involved }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container service in pod' },
            { metadata: { name: `${involved}.2`, namespace }, involvedObject: { kind: 'Pod', name: involved }, type: 'Normal', reason: 'Pulled', message: 'Container image "demo-sdxl:1" already present on machine' },
          ]
        : [];
      return send(res, 200, { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
    }
    return send(res, 405, statusBody(405, 'MethodNotAllowed', `${req.method} ${url.pathname} is not supported here`));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, statusBody(500, 'InternalError', error.message)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    objects,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A kubeconfig for the fake server: one cluster, one user with a bearer token, one context with a namespace. */
export function kubeconfigFor(url: string, token: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    // client-node speaks plain http only to a cluster marked so (as for `kubectl proxy`).
    `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
    'users:',
    `- name: deployer\n  user:\n    token: ${token}`,
    'contexts:',
    `- name: fake\n  context:\n    cluster: fake\n    user: deployer\n    namespace: ${namespace}`,
    'current-context: fake',
    '',
  ].join('\n');
}
