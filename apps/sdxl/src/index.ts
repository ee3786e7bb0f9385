/**
 * The public entry of the SDXL app: SDXLControlNetService and what callers and tests use of it.
 * Every name is listed here explicitly.
 */

// Noise as torch draws it
export { randnLikeTorch } from './random/randn';

// The sampler
export { EulerDiscreteScheduler } from './scheduler/euler-discrete-scheduler';
export type { EulerDiscreteSchedulerConfig } from './scheduler/euler-discrete-config';
