import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { createProgram } from './program';

const SERVICES = `
import { service, api, depends } from '@bento/core';
@service({ name: 'Model', resources: { gpu: 1 } })
export class Model { @api() async predict() { return 1; } }
@service({ name: 'Front' })
export class Front { model = depends(Model); @api() async run() { return 2; } }
`;

/** Runs `bento …` in this process and returns what it printed. */
async function bento(...args: string[]): Promise<string> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  try {
    await createProgram('0.0.0').exitOverride().parseAsync(['node', 'bento', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('bento deploy', () => {
  // Under the package, so the service module resolves @bento/core like a user's would.
  let dir: string;
  let project: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(__dirname, '../../.tmp-deploy-command-'));
    project = path.join(dir, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'service.ts'), SERVICES);
    writeFileSync(path.join(project, 'bentofile.yaml'), 'service: service:Front\n');
    writeFileSync(path.join(project, 'config-file.yaml'), 'name: demo\nservices:\n  Model: { instance_type: gpu.l4.1, scaling: { min_replicas: 1, max_replicas: 2 } }\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--dry-run prints the objects of the bentofile\'s graph, with the image prefix, version and namespace', async () => {
    const out = await bento('deploy', project, '-f', path.join(project, 'config-file.yaml'), '--dry-run', '--image-prefix', 'reg.example.com/ml', '--version', '2.0', '-n', 'ml');
    const objects = parseAllDocuments(out).map((d) => d.toJSON());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain('Deployment/demo-model');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'demo-front');
    expect(deployment.metadata.namespace).toBe('ml');
    expect(deployment.spec.template.spec.containers[0].image).toBe('reg.example.com/ml/demo-front:2.0');
  });

  it('--output writes a kustomize directory; --target compose a compose.yaml and .env', async () => {
    const k8s = path.join(dir, 'k8s');
    expect(await bento('deploy', project, '--output', k8s)).toMatch(/apply with: kubectl apply -k/);
    expect(readdirSync(k8s).sort()).toEqual(['front.yaml', 'kustomization.yaml', 'model.yaml', 'secret.yaml']);
    const composeDir = path.join(dir, 'compose');
    await bento('deploy', project, '--target', 'compose', '--output', composeDir);
    expect(readdirSync(composeDir).sort()).toEqual(['.env', 'compose.yaml']);
    expect(Object.keys(parse(await bento('deploy', project, '--target', 'compose', '--dry-run')).services)).toEqual(['model', 'front']);
  });

  it('rendering into the same folder again keeps its internal token', async () => {
    const tokenOf = (dir: string) => parseAllDocuments(readFileSync(path.join(dir, 'secret.yaml'), 'utf8'))[0]!.toJSON().stringData.token as string;
    const k8s = path.join(dir, 'again-k8s');
    await bento('deploy', project, '--output', k8s);
    const first = tokenOf(k8s);
    await bento('deploy', project, '--output', k8s);
    expect(tokenOf(k8s)).toBe(first);
    // A fresh folder gets a fresh token.
    await bento('deploy', project, '--output', path.join(dir, 'other-k8s'));
    expect(tokenOf(path.join(dir, 'other-k8s'))).not.toBe(first);
    const composeDir = path.join(dir, 'again-compose');
    await bento('deploy', project, '--target', 'compose', '--output', composeDir);
    const env = readFileSync(path.join(composeDir, '.env'), 'utf8');
    await bento('deploy', project, '--target', 'compose', '--output', composeDir);
    expect(readFileSync(path.join(composeDir, '.env'), 'utf8')).toBe(env);
  });

  it('renders a built bento from its bento.yaml', async () => {
    const built = path.join(dir, 'built');
    mkdirSync(built);
    const services = [
      { name: 'Model', options: { traffic: { timeout: 60, max_concurrency: 100 }, workers: 1, envs: [] }, dependencies: [], external: [], routes: ['/predict'] },
      { name: 'Front', options: { traffic: { timeout: 60, max_concurrency: 100 }, workers: 1, envs: [] }, dependencies: ['Model'], external: [], routes: ['/run'] },
    ];
    writeFileSync(path.join(built, 'bento.yaml'), stringify({ entry: 'Front', services }));
    const objects = parseAllDocuments(await bento('deploy', built, '--dry-run')).map((d) => d.toJSON());
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['front-model', 'front-front']);
  });

  // Applying (without --dry-run or --output) is tested in packages/tests/src/deploy-apply.test.ts,
  // in processes of their own: @kubernetes/client-node is an ES module, which Jest cannot import here.
});
