/** The public entry of the ControlNet app: the service and its input. */
export { ControlNet } from './service';
export type { ControlNetEvent } from './service';
export { ControlNetInput, Params } from './params';
export type { ControlNetRequest } from './params';
export { outputSide, MAX_INPUT_PIXELS, MIN_INPUT_SIDE, MAX_INPUT_SIDE } from './output-size';
