/**
 * The public entry of the SDXL app: SDXLControlNetService and what callers and tests use of it.
 * Every name is listed here explicitly.
 */

// The model directory: its declared layout and the loader that checks a directory against it.
export {
  MODEL_LAYOUT,
  MODEL_NAMES,
  PENULTIMATE_HIDDEN_STATE,
  SCHEDULER_CONFIG_FILE,
  TOKENIZER_FILES,
  resolveShape,
} from './models/layout';
export type {
  DeclaredType,
  Dim,
  DimSizes,
  FloatPrecision,
  ModelDecl,
  ModelName,
  TensorDecl,
} from './models/layout';
export { checkModelIo } from './models/check-io';
export type { ModelIoCheck, ModelIoInfo, SessionIo, TimestepInput } from './models/check-io';
export { createSession } from './models/open-session';
export type { ExecutionProviders } from './models/open-session';
export { loadModelDirectory } from './models/load-model-dir';
export type {
  LoadModelDirectoryOptions,
  ModelDirectory,
  TokenizerFiles,
} from './models/load-model-dir';
