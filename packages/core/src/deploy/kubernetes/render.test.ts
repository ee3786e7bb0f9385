import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { api } from '../../sdk/api';
import { depends } from '../../sdk/depends';
import { service } from '../../sdk/service';
import { graphManifest } from '../graph-manifest';
import { writeKubernetesDirectory } from '../write-output';
import type { KubeObject } from './object';
import { renderDeployment } from './render';

const VALIDATOR = path.join(__dirname, '../../../../../tools/kubernetes/validate-objects.mjs');

@service({ name: 'Model', resources: { gpu: 1, memory: '8Gi' }, traffic: { max_concurrency: 10 }, envs: [{ name: 'MODEL_DIR' }, { name: 'MODE', value: 'fast' }] })
class Model {
  @api() async predict() {
    return 1;
  }
}

@service({ name: 'Entry_Svc', resources: { cpu: '1' }, labels: { tier: 'front' } })
class Entry {
  model = depends(Model);
  @api() async run() {
    return 2;
  }
}

const manifest = graphManifest(Entry);
const config = {
  name: 'demo',
  envs: [{ name: 'SHARED', value: 'top' }, { name: 'MODE', value: 'top' }],
  services: {
    Model: {
      instance_type: 'gpu.l4.2',
      scaling: { min_replicas: 2, max_replicas: 4 },
      envs: [{ name: 'MODEL_DIR', value: '/models' }, { name: 'SHARED', value: 'model' }],
      deployment_strategy: 'Recreate',
      config_overrides: { resources: { cpu: '4' }, traffic: { concurrency: 6 } },
      secrets: ['hf-token'],
    },
    Entry_Svc: { scaling: { max_replicas: 3 } },
  },
};
const options = { internalToken: 'test-placeholder-token', imagePrefix: 'registry.example.com/ml/', version: '1.2.3', namespace: 'ml' };

const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

/** Validates objects against the Kubernetes schemas (kubernetes-models, an ES module: a child process). */
function schemaProblems(objects: KubeObject[]): string {
  const result = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(objects), encoding: 'utf8' });
  return result.status === 0 ? '' : result.stdout + result.stderr;
}

describe('renderDeployment', () => {
  const objects = renderDeployment({ manifest, config, options });

  it('renders a Deployment, Service, autoscaler and disruption budget per service, and the token Secret', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Secret/demo-internal-token',
      'Deployment/demo-model', 'Service/demo-model', 'HorizontalPodAutoscaler/demo-model', 'PodDisruptionBudget/demo-model',
      'Deployment/demo-entry-svc', 'Service/demo-entry-svc', 'HorizontalPodAutoscaler/demo-entry-svc', 'PodDisruptionBudget/demo-entry-svc',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'ml')).toBe(true);
    expect(find(objects, 'Secret', 'demo-internal-token').stringData).toEqual({ token: 'test-placeholder-token' });
  });

  it('every object validates against the Kubernetes schemas, with every option', () => {
    expect(schemaProblems(objects)).toBe('');
    const more = renderDeployment({ manifest, config, options: { ...options, ingressHost: 'demo.example.com', ingressClass: 'nginx', metricsAdapter: true, entryServiceType: 'LoadBalancer', requireInstanceType: true } });
    expect(schemaProblems(more)).toBe('');
    // The validator can fail: a wrong type is reported.
    const broken = structuredClone(find(objects, 'Service', 'demo-model'));
    broken.spec.ports[0].port = 'http';
    expect(schemaProblems([broken])).toMatch(/Service\/demo-model: .*port must be integer/);
  });

  it('runs one service per Deployment with the image, command, envs, service map and token', () => {
    const model = find(objects, 'Deployment', 'demo-model');
    const entry = find(objects, 'Deployment', 'demo-entry-svc');
    const [modelContainer] = model.spec.template.spec.containers;
    const [entryContainer] = entry.spec.template.spec.containers;
    expect(modelContainer.image).toBe('registry.example.com/ml/demo-model:1.2.3');
    expect(modelContainer.command).toEqual(['bento', 'serve', '--standalone', '--service', 'Model', '--port', '3000', '--expose-internal']);
    expect(entryContainer.command).toEqual(['bento', 'serve', '--standalone', '--service', 'Entry_Svc', '--port', '3000']);
    // Config over the service's own; the service's own value where the config gives none.
    expect(modelContainer.env).toEqual([
      { name: 'SHARED', value: 'model' },
      { name: 'MODE', value: 'top' },
      { name: 'MODEL_DIR', value: '/models' },
      { name: 'BENTO_CONFIG_OVERRIDES', value: JSON.stringify({ Model: { traffic: { concurrency: 6 } } }) },
      { name: 'BENTO_INTERNAL_TOKEN', valueFrom: { secretKeyRef: { name: 'demo-internal-token', key: 'token' } } },
    ]);
    expect(modelContainer.envFrom).toEqual([{ secretRef: { name: 'hf-token' } }]);
    // Every process gets the graph's overrides: a caller waits for a callee by the callee's timeout.
    expect(entryContainer.env).toContainEqual({ name: 'BENTO_CONFIG_OVERRIDES', value: JSON.stringify({ Model: { traffic: { concurrency: 6 } } }) });
    expect(entryContainer.env).toContainEqual({ name: 'BENTO_SERVICE_MAP', value: JSON.stringify({ Model: 'http://demo-model:3000' }) });
    expect(entryContainer.env).toContainEqual({ name: 'BENTO_INTERNAL_TOKEN', valueFrom: { secretKeyRef: { name: 'demo-internal-token', key: 'token' } } });
  });

  it('takes replicas, strategy, resources and GPU scheduling from the config and the instance type', () => {
    const model = find(objects, 'Deployment', 'demo-model');
    // Autoscaled: the replicas are the autoscaler's (2 to 4), not written in the Deployment.
    expect(model.spec.replicas).toBeUndefined();
    expect(model.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = model.spec.template.spec;
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '4', memory: '8Gi' }, limits: { memory: '8Gi', 'nvidia.com/gpu': '2' } });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions).toEqual([{ key: 'bento.ai/instance-type', operator: 'In', values: ['gpu.l4.2'] }]);
    expect(pod.containers[0].startupProbe.periodSeconds * pod.containers[0].startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(35);
    const entry = find(objects, 'Deployment', 'demo-entry-svc');
    expect(entry.spec.strategy.type).toBe('RollingUpdate');
    expect(entry.spec.template.spec.tolerations).toBeUndefined();
    expect(entry.metadata.labels).toMatchObject({ tier: 'front', 'app.kubernetes.io/managed-by': 'bento', 'bento.ai/service': 'Entry_Svc' });
    const required = renderDeployment({ manifest, config, options: { ...options, requireInstanceType: true, instanceTypeLabel: 'example.com/pool' } });
    expect(find(required, 'Deployment', 'demo-model').spec.template.spec.nodeSelector).toEqual({ 'example.com/pool': 'gpu.l4.2' });
  });

  it('scales on CPU, or on requests in flight with a metrics adapter', () => {
    expect(find(objects, 'HorizontalPodAutoscaler', 'demo-model').spec).toMatchObject({ minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource' }] });
    const adapted = renderDeployment({ manifest, config, options: { ...options, metricsAdapter: true } });
    expect(find(adapted, 'HorizontalPodAutoscaler', 'demo-model').spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'bento_service_requests_in_flight' }, target: { type: 'AverageValue', averageValue: '6' } } },
    ]);
    // Without traffic.concurrency: 80% of max_concurrency (100 by default) per replica.
    expect(find(adapted, 'HorizontalPodAutoscaler', 'demo-entry-svc').spec.metrics[0].pods.target.averageValue).toBe('80');
    expect(find(objects, 'PodDisruptionBudget', 'demo-model').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('a fixed number of replicas (min = max) is written in the Deployment, with no autoscaler', () => {
    const fixed = renderDeployment({ manifest, config: { ...config, services: { ...config.services, Model: { ...config.services.Model, scaling: { min_replicas: 3, max_replicas: 3 } } } }, options });
    expect(find(fixed, 'Deployment', 'demo-model').spec.replicas).toBe(3);
    expect(find(fixed, 'HorizontalPodAutoscaler', 'demo-model')).toBeUndefined();
    expect(find(fixed, 'PodDisruptionBudget', 'demo-model')).toBeDefined();
  });

  it('exposes only the entry, by Service type or Ingress', () => {
    const exposed = renderDeployment({ manifest, config, options: { ...options, entryServiceType: 'LoadBalancer', ingressHost: 'demo.example.com' } });
    expect(find(exposed, 'Service', 'demo-entry-svc').spec.type).toBe('LoadBalancer');
    expect(find(exposed, 'Service', 'demo-model').spec.type).toBe('ClusterIP');
    expect(find(exposed, 'Ingress', 'demo').spec.rules[0]).toMatchObject({ host: 'demo.example.com', http: { paths: [{ backend: { service: { name: 'demo-entry-svc' } } }] } });
  });

  it("carries a deployment's cors for a service to every process in BENTO_CONFIG_OVERRIDES", () => {
    const cors = { allow_origins: ['https://demo.example.com'], expose_headers: ['x-sdxl-seed'] };
    const withCors = renderDeployment({ manifest, config: { ...config, services: { ...config.services, Entry_Svc: { config_overrides: { cors } } } }, options });
    const [entryContainer] = find(withCors, 'Deployment', 'demo-entry-svc').spec.template.spec.containers;
    const overrides = JSON.parse(entryContainer.env.find((e: { name: string }) => e.name === 'BENTO_CONFIG_OVERRIDES').value);
    expect(overrides.Entry_Svc).toEqual({ cors: { ...cors, allow_credentials: false, max_age: 600 } });
  });

  it('uses an existing token Secret, or a random token per render', () => {
    const existing = renderDeployment({ manifest, config, options: { ...options, internalTokenSecret: 'my-token' } });
    expect(existing.some((o) => o.kind === 'Secret')).toBe(false);
    expect(find(existing, 'Deployment', 'demo-model').spec.template.spec.containers[0].env).toContainEqual({ name: 'BENTO_INTERNAL_TOKEN', valueFrom: { secretKeyRef: { name: 'my-token', key: 'token' } } });
    const token = (o: KubeObject[]) => find(o, 'Secret', 'demo-internal-token').stringData.token as string;
    const a = token(renderDeployment({ manifest, config }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(token(renderDeployment({ manifest, config }))).not.toBe(a);
  });

  it('refuses a config that does not fit the graph', () => {
    expect(() => renderDeployment({ manifest, config: { services: { Nope: {} } }, options: { configSource: 'c.yaml' } })).toThrow('c.yaml is invalid: services.Nope: no service named Nope in the graph of Entry_Svc (its services: Model, Entry_Svc)');
    // MODEL_DIR has no value and no Secret could hold it.
    expect(() => renderDeployment({ manifest, config: {} })).toThrow('Model needs the environment variable MODEL_DIR');
    expect(() => renderDeployment({ manifest, config: { ...config, envs: [{ name: 'BENTO_SERVICE_MAP', value: '{}' }] } })).toThrow('envs: BENTO_SERVICE_MAP is set by the renderer');
    const gpuClash = structuredClone(config);
    (gpuClash.services.Model.config_overrides.resources as Record<string, unknown>).gpu = 1;
    expect(() => renderDeployment({ manifest, config: gpuClash })).toThrow('resources.gpu is 1 but instance_type gpu.l4.2 has 2');
    // Model's max_concurrency is 10: an autoscaler target above it would add replicas only after 429s.
    const overscaled = structuredClone(config);
    overscaled.services.Model.config_overrides.traffic.concurrency = 12;
    expect(() => renderDeployment({ manifest, config: overscaled, options: { configSource: 'c.yaml' } })).toThrow(
      'c.yaml is invalid: services.Model: traffic.concurrency (12) is above traffic.max_concurrency (10)',
    );
  });

  describe('written as a kustomize directory', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'bento-k8s-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('one file per service and a kustomization.yaml; kubectl kustomize accepts it', async () => {
      const files = await writeKubernetesDirectory(dir, objects);
      expect(files).toEqual(['secret.yaml', 'model.yaml', 'entry-svc.yaml', 'kustomization.yaml']);
      const written = parseAllDocuments(readFileSync(path.join(dir, 'model.yaml'), 'utf8')).map((d) => d.toJSON());
      expect(written.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
      if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) {
        console.warn('kubectl is not installed (Debian: apt-get install kubernetes-client): skipping kubectl kustomize');
        return;
      }
      const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJSON());
      expect(built).toHaveLength(objects.length);
    });
  });
});
