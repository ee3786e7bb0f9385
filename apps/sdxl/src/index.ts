/**
 * The public entry of the SDXL app: SDXLControlNetService and what callers and tests use of it.
 * Every name is listed here explicitly.
 */

// The service
export { SDXLControlNetService, SEED_HEADER } from './service';
export type { GenerateEvent } from './service';
export { GenerateInput, MAX_SIDE, MIN_SIDE } from './generate-input';
export type { GenerateRequest } from './generate-input';

// Noise as torch draws it
export { randnLikeTorch } from './random/randn';

// The sampler
export { EulerDiscreteScheduler } from './scheduler/euler-discrete-scheduler';
export type { EulerDiscreteSchedulerConfig } from './scheduler/euler-discrete-config';

// The model directory: its declared layout and the loader that checks a directory against it.
export { MODEL_LAYOUT, MODEL_NAMES, resolveShape } from './models/layout';
export type { ModelDecl, ModelName, TensorDecl } from './models/layout';
export { loadModelDirectory } from './models/load-model-dir';
export type { LoadModelDirectoryOptions, ModelDirectory } from './models/load-model-dir';
