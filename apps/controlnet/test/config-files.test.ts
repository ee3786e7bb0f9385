/** The app's config files say what the Python example's do. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readBentofile } from '@bento/core';
import { parse } from 'yaml';

const APP_DIR = path.join(__dirname, '..');

describe('the config files', () => {
  it('bentofile.yaml names the ControlNet service and the gallery labels', async () => {
    const bentofile = await readBentofile(path.join(APP_DIR, 'bentofile.yaml'));
    expect(bentofile.service).toBe('service:ControlNet');
    expect(bentofile.labels).toEqual({ owner: 'bentoml-team', project: 'gallery' });
  });

  it('config-file.yaml is the seed deployment config, written as block YAML', () => {
    expect(parse(readFileSync(path.join(APP_DIR, 'config-file.yaml'), 'utf8'))).toEqual({
      name: 'controlnet',
      description: 'Canny edges on CPU, SDXL + ControlNet on a GPU',
      envs: [{ name: 'GLOBAL_ENV_VAR_NAME', value: 'env_var_value' }],
      services: {
        SDXLControlNetService: {
          instance_type: 'gpu.l4.1',
          scaling: { max_replicas: 2, min_replicas: 1 },
          envs: [{ name: 'ENV_VAR_NAME', value: 'env_var_value' }],
          deployment_strategy: 'RollingUpdate',
          config_overrides: {
            traffic: { timeout: 700, max_concurrency: 20, external_queue: true },
            resources: { cpu: '400m', memory: '1Gi' },
          },
        },
        ControlNet: { instance_type: 'cpu.1', scaling: { max_replicas: 5, min_replicas: 1 } },
      },
    });
  });
});
