import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { binding, loadFirst } from '../lib/load-binding';

test('loads the built addon', () => {
  expect(binding().abiVersion).toBe(2);
});

test('when nothing loads, one error lists every path tried and how to fix it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bento-native-'));
  try {
    const missing = path.join(dir, 'missing.node');
    const broken = path.join(dir, 'broken.node');
    writeFileSync(broken, 'not a shared object');
    let message = '';
    try {
      loadFirst([missing, broken]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Could not load the @bento/native addon. Tried:');
    expect(message).toContain(`${missing}: not found`);
    expect(message).toContain(`${broken}: `);
    expect(message).toContain('npx nx run native:build-native');
    expect(message).toContain('BENTO_NATIVE_BINARY');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
