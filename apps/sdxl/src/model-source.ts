import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the models come from: a real export (`SDXL_MODEL_DIR`) or the generated demo model. */
export interface ModelSource {
  dir: string;
  demo: boolean;
}

/** The demo model's folder: what `npx nx run sdxl:demo-model` writes (never committed). */
export const DEMO_MODEL_DIR = path.join(__dirname, '..', 'demo-model');

/** The model directory to serve: `SDXL_MODEL_DIR` when set, else the demo model, which must have been generated. */
export function modelSource(env: NodeJS.ProcessEnv = process.env): ModelSource {
  const given = env.SDXL_MODEL_DIR;
  if (given) return { dir: path.resolve(given), demo: false };
  if (!existsSync(DEMO_MODEL_DIR)) {
    throw new Error(
      `No models: SDXL_MODEL_DIR is not set and the demo model has not been generated (${path.relative(process.cwd(), DEMO_MODEL_DIR) || DEMO_MODEL_DIR}). ` +
        'Generate it with: npx nx run sdxl:demo-model — or point SDXL_MODEL_DIR at an SDXL + ControlNet export (see docs/sdxl.md)',
    );
  }
  return { dir: DEMO_MODEL_DIR, demo: true };
}
