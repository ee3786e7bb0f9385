/**
 * Golden tests of `bento deploy` for this app and its config-file.yaml: the Kubernetes objects and
 * the compose file, pinned as committed YAML. The internal token is a placeholder, so the goldens
 * hold no secret and do not change from run to run. After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest -c apps/controlnet/jest.config.js deploy-render` and review the diff.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { graphManifest, readDeploymentConfig, renderDeployment } from '@bento/core';
// Internal writers and the compose renderer: the same code `bento deploy` runs.
import { renderCompose } from '../../../packages/core/src/deploy/compose/render-compose';
import { toYaml, toYamlDocuments } from '../../../packages/core/src/deploy/write-output';
import { ControlNet } from '../service';

const APP_DIR = path.join(__dirname, '..');
const GOLDEN = path.join(__dirname, 'golden');
const VALIDATOR = path.join(APP_DIR, '../../tools/kubernetes/validate-objects.mjs');
const OPTIONS = {
  imagePrefix: 'registry.example.com/bento',
  version: '0.1.0',
  internalToken: 'GOLDEN-PLACEHOLDER-NOT-A-SECRET',
  configSource: 'config-file.yaml',
};

function matchesGolden(file: string, text: string): void {
  const golden = path.join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
  expect(text).toBe(readFileSync(golden, 'utf8'));
}

describe('bento deploy of ControlNet with config-file.yaml', () => {
  it('renders the Kubernetes objects pinned in golden/kubernetes.yaml, all valid against the Kubernetes schemas', async () => {
    const config = await readDeploymentConfig(path.join(APP_DIR, 'config-file.yaml'));
    const objects = renderDeployment({ manifest: graphManifest(ControlNet), config, options: OPTIONS });
    matchesGolden('kubernetes.yaml', toYamlDocuments(objects));
    const validated = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(objects), encoding: 'utf8' });
    expect(validated.stdout + validated.stderr).toBe('');
    expect(validated.status).toBe(0);
  });

  it('renders the compose file pinned in golden/compose.yaml', async () => {
    const config = await readDeploymentConfig(path.join(APP_DIR, 'config-file.yaml'));
    matchesGolden('compose.yaml', toYaml(renderCompose({ manifest: graphManifest(ControlNet), config, options: OPTIONS })));
  });
});
