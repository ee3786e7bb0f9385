/**
 * Prompt tokenization for SDXL's two CLIP text encoders; what the rest of the app uses of text/.
 * Internal to the app: not exported from src/index.ts.
 */
export { loadClipTokenizer } from './load-clip-tokenizer';
export { ClipTokenizer, CLIP_SEQUENCE_LENGTH } from './clip-tokenizer';
export type { ClipTokenIds } from './clip-tokenizer';
