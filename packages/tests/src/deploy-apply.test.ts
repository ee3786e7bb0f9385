import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { kubeconfigFor, startFakeApiServer, type FakeApiServer } from './kube/fake-api-server';

const run = promisify(execFile);
const TOKEN = 'test-token';

/** A small set of objects as the renderer makes them: a Secret, a Service, a Deployment of 2 replicas. */
const OBJECTS = [
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-internal-token' }, type: 'Opaque', stringData: { token: 'abc' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo-sdxl' }, spec: { selector: { app: 'demo-sdxl' }, ports: [{ port: 3000 }] } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'demo-sdxl', labels: { app: 'demo-sdxl' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'demo-sdxl' } }, template: { metadata: { labels: { app: 'demo-sdxl' } }, spec: { containers: [{ name: 'service', image: 'demo-sdxl:1' }] } } },
  },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'demo-sdxl' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-sdxl' }, minReplicas: 2, maxReplicas: 4 } },
];

describe('applying rendered objects to a cluster (a stand-in API server: none can run here)', () => {
  let dir: string;
  let api: FakeApiServer | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bento-apply-'));
    writeFileSync(path.join(dir, 'objects.json'), JSON.stringify(OBJECTS));
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function apply(scenario: 'healthy' | 'crash') {
    api = await startFakeApiServer(scenario, TOKEN);
    const kubeconfig = path.join(dir, `kubeconfig-${scenario}`);
    writeFileSync(kubeconfig, kubeconfigFor(api.url, TOKEN, 'ml-prod'));
    const child = run(process.execPath, [path.join(__dirname, 'kube/apply-child.js'), path.join(dir, 'objects.json'), '30'], { env: { ...process.env, KUBECONFIG: kubeconfig } });
    return child.then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  it('server-side applies every object with field manager bento into the context namespace, then follows the rollout', async () => {
    const { code, stdout, stderr } = await apply('healthy');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const patches = api!.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/ml-prod/secrets/demo-internal-token',
      '/api/v1/namespaces/ml-prod/services/demo-sdxl',
      '/apis/apps/v1/namespaces/ml-prod/deployments/demo-sdxl',
      '/apis/autoscaling/v2/namespaces/ml-prod/horizontalpodautoscalers/demo-sdxl',
    ]);
    for (const patch of patches) {
      expect(patch).toMatchObject({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'bento', force: 'true' }, authorization: `Bearer ${TOKEN}` });
      expect((patch.body as { metadata: { namespace: string } }).metadata.namespace).toBe('ml-prod');
    }
    expect(api!.objects.get('ml-prod/Deployment/demo-sdxl')).toMatchObject({ spec: { replicas: 2 } });
    // Progress lines as the replicas became available, then done.
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('applied Deployment/demo-sdxl');
    expect(lines).toContain('Deployment/demo-sdxl: 0/2 available');
    expect(lines).toContain('Deployment/demo-sdxl: 1/2 available');
    expect(lines).toContain('Deployment/demo-sdxl: 2/2 available, rolled out');
    expect(lines.at(-1)).toBe(`done ${JSON.stringify({ namespace: 'ml-prod', server: api!.url })}`);
  });

  it("fails a rollout whose pod crash-loops, with that pod's events", async () => {
    const { code, stderr } = await apply('crash');
    expect(code).toBe(1);
    expect(stderr).toContain('Deployment/demo-sdxl failed: pod demo-sdxl-5d8f7c9b4-x2x7q is CrashLoopBackOff (back-off 1m20s restarting failed container=service)');
    expect(stderr).toContain('Warning BackOff: Back-off restarting failed container service in pod');
    // Events were asked for that pod only.
    expect(api!.requests.some((r) => r.path === '/api/v1/namespaces/ml-prod/events' && r.query.fieldSelector === 'involvedObject.name=demo-sdxl-5d8f7c9b4-x2x7q')).toBe(true);
  });

  it('bento deploy applies the ControlNet app as rendered from its config file, and keeps the token Secret on a second deploy', async () => {
    api = await startFakeApiServer('healthy', TOKEN);
    const kubeconfig = path.join(dir, 'kubeconfig-cli');
    writeFileSync(kubeconfig, kubeconfigFor(api.url, TOKEN, 'default'));
    const root = path.join(__dirname, '../../..');
    const args = [path.join(root, 'packages/core/dist/cli/bin.js'), 'deploy', 'apps/controlnet', '-f', 'apps/controlnet/config-file.yaml', '--image-prefix', 'registry.example.com/ml', '--version', '1.0.0', '--namespace', 'ml', '--kubeconfig', kubeconfig];
    const first = await run(process.execPath, args, { cwd: root });
    expect(first.stdout).toContain('deployed 2 services to namespace ml');
    const applied = api.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    expect(applied).toEqual(expect.arrayContaining([expect.stringMatching(/^\/api\/v1\/namespaces\/ml\/secrets\/.*internal-token$/), expect.stringMatching(/^\/apis\/apps\/v1\/namespaces\/ml\/deployments\//)]));
    expect(applied.filter((p) => p.includes('/deployments/'))).toHaveLength(2);
    expect(first.stderr).toMatch(/Deployment\/\S+: 1\/1 available, rolled out/);
    const secret = [...api.objects.keys()].find((key) => key.startsWith('ml/Secret/'))!;
    const token = (api.objects.get(secret) as { stringData: { token: string } }).stringData.token;
    const second = await run(process.execPath, args, { cwd: root });
    expect(second.stderr).toContain(`kept Secret/${secret.split('/')[2]} (it exists: its token stays)`);
    expect((api.objects.get(secret) as { stringData: { token: string } }).stringData.token).toBe(token);
  });

  it('says which kubeconfig context is missing', async () => {
    api = await startFakeApiServer('healthy', TOKEN);
    const kubeconfig = path.join(dir, 'kubeconfig-empty');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const failed = await run(process.execPath, [path.join(__dirname, 'kube/apply-child.js'), path.join(dir, 'objects.json'), '5'], { env: { ...process.env, KUBECONFIG: kubeconfig } }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('The kubeconfig names no current cluster');
  });
});
