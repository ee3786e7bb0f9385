/**
 * The public entry of the SDXL app: SDXLControlNetService and what callers and tests use of it.
 * Every name is listed here explicitly.
 */
export {};
