/**
 * Opens a model directory (optimum's SDXL export plus a ControlNet): checks that every file is
 * there, opens each model and checks its inputs/outputs against `MODEL_LAYOUT`. Every problem
 * found is reported in one ConfigError, and no session is left open when it is thrown.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@bento/core';
import type { InferenceSession } from 'onnxruntime-node';
import { checkModelIo, type TimestepInput } from './check-io';
import {
  MODEL_LAYOUT,
  MODEL_NAMES,
  SCHEDULER_CONFIG_FILE,
  TOKENIZER_FILES,
  type FloatPrecision,
  type ModelName,
} from './layout';
import { createSession, type ExecutionProviders } from './open-session';

/** Options of {@link loadModelDirectory}. */
export interface LoadModelDirectoryOptions {
  /** Passed to every session, e.g. `['cuda', 'cpu']` or `['cpu']`. */
  executionProviders: ExecutionProviders;
}

/** Paths of one tokenizer's files. */
export interface TokenizerFiles {
  readonly vocab: string;
  readonly merges: string;
}

/** An opened, checked model directory. */
export interface ModelDirectory {
  readonly dir: string;
  readonly sessions: Readonly<Record<ModelName, InferenceSession>>;
  /** float32 or float16 per model: the element type to feed and to expect of its float tensors. */
  readonly precision: Readonly<Record<ModelName, FloatPrecision>>;
  /** How each denoiser takes `timestep` (a float scalar, or int64 [1] in older exports). */
  readonly timestep: { readonly unet: TimestepInput; readonly controlnet: TimestepInput };
  readonly tokenizers: { readonly tokenizer: TokenizerFiles; readonly tokenizer_2: TokenizerFiles };
  /** `scheduler/scheduler_config.json`, parsed (its fields are the scheduler's to check). */
  readonly schedulerConfig: Readonly<Record<string, unknown>>;
  /** Releases every session. */
  release(): Promise<void>;
}

function failure(dir: string, problems: readonly string[]): ConfigError {
  return new ConfigError(
    `Model directory ${dir} does not fit SDXL + ControlNet:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { dir, problems },
  );
}

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** Every file a model directory must hold, relative to it. */
const REQUIRED_FILES: readonly string[] = [
  ...MODEL_NAMES.map((name) => MODEL_LAYOUT[name].file),
  ...Object.entries(TOKENIZER_FILES).flatMap(([folder, files]) =>
    files.map((f) => `${folder}/${f}`),
  ),
  SCHEDULER_CONFIG_FILE,
];

/** Problems for the required files that are missing; a missing folder is named once. */
function missingFiles(dir: string): string[] {
  const byFolder = new Map<string, string[]>();
  for (const file of REQUIRED_FILES) {
    const folder = file.split('/')[0];
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  const problems: string[] = [];
  for (const [folder, files] of byFolder) {
    if (kindOf(join(dir, folder)) !== 'folder') {
      problems.push(`${folder}/: missing folder (expected ${files.join(', ')})`);
      continue;
    }
    for (const file of files) {
      if (kindOf(join(dir, file)) !== 'file') problems.push(`${file}: missing file`);
    }
  }
  return problems;
}

function readSchedulerConfig(dir: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(readFileSync(join(dir, SCHEDULER_CONFIG_FILE), 'utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    return `${SCHEDULER_CONFIG_FILE}: expected a JSON object`;
  } catch (error) {
    return `${SCHEDULER_CONFIG_FILE}: not valid JSON (${(error as Error).message})`;
  }
}

/**
 * Opens and checks the model directory `dir`. Throws a ConfigError listing every missing file and
 * every input/output that differs from the declaration (file, tensor, expected vs found).
 *
 * @example
 * const models = await loadModelDirectory('apps/sdxl/demo-model', { executionProviders: ['cpu'] });
 * models.timestep.unet; // { type: 'float32', shape: [] }
 * await models.release();
 */
export async function loadModelDirectory(
  dir: string,
  options: LoadModelDirectoryOptions,
): Promise<ModelDirectory> {
  if (kindOf(dir) !== 'folder') throw failure(dir, ['the folder does not exist']);
  const missing = missingFiles(dir);
  if (missing.length > 0) throw failure(dir, missing);
  const schedulerConfig = readSchedulerConfig(dir);
  const problems = typeof schedulerConfig === 'string' ? [schedulerConfig] : [];

  // One at a time: real models are gigabytes, and opening them together would only raise the peak.
  const sessions: Partial<Record<ModelName, InferenceSession>> = {};
  const precision: Partial<Record<ModelName, FloatPrecision>> = {};
  const timestep: Partial<Record<'unet' | 'controlnet', TimestepInput>> = {};
  const release = async () => {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
  };
  try {
    for (const name of MODEL_NAMES) {
      const decl = MODEL_LAYOUT[name];
      let session: InferenceSession;
      try {
        session = await createSession(join(dir, decl.file), options.executionProviders);
      } catch (error) {
        problems.push(`${decl.file}: onnxruntime could not open it: ${(error as Error).message}`);
        continue;
      }
      sessions[name] = session;
      const check = checkModelIo(decl, session);
      problems.push(...check.problems);
      precision[name] = check.info.precision;
      if ((name === 'unet' || name === 'controlnet') && check.info.timestep) {
        timestep[name] = check.info.timestep;
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  if (problems.length > 0 || typeof schedulerConfig === 'string') {
    await release();
    throw failure(dir, problems);
  }
  const tokenizerFiles = (folder: string): TokenizerFiles => ({
    vocab: join(dir, folder, 'vocab.json'),
    merges: join(dir, folder, 'merges.txt'),
  });
  return {
    dir,
    sessions: sessions as Record<ModelName, InferenceSession>,
    precision: precision as Record<ModelName, FloatPrecision>,
    timestep: timestep as ModelDirectory['timestep'],
    tokenizers: {
      tokenizer: tokenizerFiles('tokenizer'),
      tokenizer_2: tokenizerFiles('tokenizer_2'),
    },
    schedulerConfig,
    release,
  };
}
