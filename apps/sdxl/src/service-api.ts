/**
 * What a caller of SDXLControlNetService needs — the class for `depends()`, its input schema, its
 * events and limits — without the pipeline: importing this loads neither onnxruntime nor a model,
 * so a service that only calls SDXL (ControlNet) stays small. `index.ts` is the whole app.
 */
export { SDXLControlNetService, SEED_HEADER } from './service';
export type { GenerateEvent } from './service';
export { GenerateInput, MAX_SIDE, MIN_SIDE } from './generate-input';
export type { GenerateRequest } from './generate-input';
