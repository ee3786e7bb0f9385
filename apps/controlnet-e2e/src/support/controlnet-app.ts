/**
 * The ControlNet app as `bento serve` runs it in its folder (every service in its own process), on
 * a demo model generated into a temp folder, so a test needs no `nx run sdxl:demo-model` and
 * leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDemoModel } from '../../../../tools/demo-model/generate';
import { bentoServe, ROOT, type Served } from './bento-serve';

export interface ServedControlNet {
  served: Served;
  /** ControlNet's public URL: the page and the APIs. */
  url: string;
  /** SDXLControlNetService's own address (a Unix socket), for its /metrics. */
  sdxlUrl: string;
  /** Stops the graph and removes the demo model. */
  close(): Promise<void>;
}

/** `env`: more environment for every process of the graph (e.g. BENTO_API_KEYS). */
export async function serveControlNet(env: NodeJS.ProcessEnv = {}): Promise<ServedControlNet> {
  const modelDir = mkdtempSync(path.join(tmpdir(), 'controlnet-page-'));
  generateDemoModel(modelDir);
  const served = bentoServe([], { cwd: path.join(ROOT, 'apps', 'controlnet'), env: { ...env, SDXL_MODEL_DIR: modelDir } });
  const close = async () => {
    await served.stop();
    rmSync(modelDir, { recursive: true, force: true });
  };
  try {
    const url = await served.listening('ControlNet', 120_000);
    const sdxlUrl = await served.listening('SDXLControlNetService');
    return { served, url, sdxlUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
