import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { api } from '../../sdk/api';
import { depends } from '../../sdk/depends';
import { service } from '../../sdk/service';
import { graphManifest } from '../graph-manifest';
import { writeComposeDirectory } from '../write-output';
import { renderCompose } from './render-compose';

@service({ name: 'Model', resources: { gpu: 1 } })
class Model {
  @api() async predict() {
    return 1;
  }
}

@service({ name: 'Entry' })
class Entry {
  model = depends(Model);
  @api() async run() {
    return 2;
  }
}

const manifest = graphManifest(Entry);
const config = { name: 'demo', envs: [{ name: 'SHARED', value: 'x' }], services: { Model: { instance_type: 'gpu.l4.1', scaling: { min_replicas: 1, max_replicas: 3 } } } };

describe('renderCompose', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'bento-compose-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one compose service per service, the service map by compose names, GPUs reserved, health on /readyz', () => {
    const compose = renderCompose({ manifest, config, options: { imagePrefix: 'registry.example.com/ml', version: '1.0.0' } });
    expect(compose.name).toBe('demo');
    expect(Object.keys(compose.services)).toEqual(['model', 'entry']);
    const { model, entry } = compose.services as Record<string, any>;
    expect(model.image).toBe('registry.example.com/ml/demo-model:1.0.0');
    expect(model.command).toEqual(['bento', 'serve', '--standalone', '--service', 'Model', '--port', '3000', '--expose-internal']);
    expect(model.deploy).toEqual({ resources: { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } } });
    expect(model.ports).toBeUndefined();
    expect(model.healthcheck.test.join(' ')).toContain("path: '/readyz'");
    expect(entry.ports).toEqual([{ target: 3000, published: '3000', protocol: 'tcp' }]);
    expect(entry.depends_on).toEqual({ model: { condition: 'service_healthy' } });
    expect(entry.environment).toMatchObject({ SHARED: 'x', BENTO_SERVICE_MAP: JSON.stringify({ Model: 'http://model:3000' }) });
    // The token is interpolated from .env, never written into compose.yaml.
    expect(entry.environment.BENTO_INTERNAL_TOKEN).toMatch(/^\$\{BENTO_INTERNAL_TOKEN:\?/);
  });

  it('writes compose.yaml and a .env only its owner reads; docker compose config accepts it where docker is installed', async () => {
    const compose = renderCompose({ manifest, config });
    const files = await writeComposeDirectory(dir, compose, 'placeholder-token');
    expect(files).toEqual(['compose.yaml', '.env']);
    expect(parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'))).toEqual(compose);
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe('BENTO_INTERNAL_TOKEN=placeholder-token\n');
    expect(statSync(path.join(dir, '.env')).mode & 0o077).toBe(0);
    const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (docker.error || docker.status !== 0) {
      console.warn('docker compose is not installed: skipping docker compose config');
      return;
    }
    const checked = spawnSync('docker', ['compose', 'config', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(JSON.parse(checked.stdout).services.entry.environment.BENTO_INTERNAL_TOKEN).toBe('placeholder-token');
  });
});
