import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDeploymentConfig, readDeploymentConfig } from './read-deployment-config';

describe('the deployment config file', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'bento-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string) => {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return file;
  };

  it('reads the seed fields, config_overrides included, with scaling defaults', async () => {
    const file = write(`name: app
envs: [{ name: A, value: "1" }]
services:
  Model:
    instance_type: gpu.l4.1
    scaling: { min_replicas: 2, max_replicas: 4 }
    deployment_strategy: Recreate
    config_overrides: { traffic: { timeout: 700 }, resources: { memory: 2Gi } }
    secrets: [hf-token]
    labels: { team: ml }
  Entry: { scaling: { max_replicas: 3 } }
`);
    const config = await readDeploymentConfig(file);
    expect(config.services.Model).toMatchObject({ instance_type: 'gpu.l4.1', scaling: { min_replicas: 2, max_replicas: 4 }, config_overrides: { traffic: { timeout: 700 } }, secrets: ['hf-token'] });
    expect(config.services.Entry!.scaling).toEqual({ min_replicas: 1, max_replicas: 3 });
  });

  it('an override holds only what it sets: no defaults over the service\'s own values', () => {
    const config = parseDeploymentConfig({ services: { A: { config: { traffic: { concurrency: 6 } } } } }, 'c.yaml');
    expect(config.services.A!.config).toEqual({ traffic: { concurrency: 6 } });
  });

  it('names the file, the path and what was expected', async () => {
    const file = write('services:\n  Model:\n    scaling: { min_replicas: 3, max_replicas: 2 }\n    instance_type: gpu.l4\n');
    await expect(readDeploymentConfig(file)).rejects.toThrow(file);
    await expect(readDeploymentConfig(file)).rejects.toThrow('services.Model.scaling.min_replicas: min_replicas must not be more than max_replicas');
    await expect(readDeploymentConfig(file)).rejects.toThrow('services.Model.instance_type: an instance type like "cpu.1" or "gpu.l4.1"');
  });

  it('refuses unknown fields, config with config_overrides, and BentoML\'s per-worker GPU list', () => {
    expect(() => parseDeploymentConfig({ services: { A: { scalng: {} } } }, 'c.yaml')).toThrow(/c\.yaml is invalid: services\.A: unknown field "scalng" \(expected one of: instance_type, scaling, envs, /);
    expect(() => parseDeploymentConfig({ services: { A: { config: {}, config_overrides: {} } } }, 'c.yaml')).toThrow('services.A.config_overrides: give either config or config_overrides');
    expect(() => parseDeploymentConfig({ services: { A: { config: { workers: [{ gpu: 1 }] } } } }, 'c.yaml')).toThrow('services.A.config.workers: a number of worker processes or "cpu_count"');
    expect(() => parseDeploymentConfig({ services: { A: { scaling: { min_replicas: 0 } } } }, 'c.yaml')).toThrow('services.A.scaling.min_replicas');
  });

  it('says when the file is missing or not YAML', async () => {
    await expect(readDeploymentConfig(path.join(dir, 'missing.yaml'))).rejects.toThrow(/Cannot read .*missing\.yaml/);
    await expect(readDeploymentConfig(write('services: [\n'))).rejects.toThrow(/is not valid YAML/);
  });
});
