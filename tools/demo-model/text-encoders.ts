/**
 * The two text encoders: a token table (colour in the first 3 features, deterministic noise in the
 * rest) projected up to the hidden width. `hidden_states.n` scales the embedding from 1/L up to 1 at
 * the penultimate layer (the one SDXL reads); the last layer is its negative.
 */
import { COLOUR_WORDS, prng, TEXT_FEATURES } from './design';
import { GraphBuilder } from './onnx-builder';

/** CLIP-L (`text_encoder`) or OpenCLIP-bigG with projection (`text_encoder_2`). */
export interface TextEncoderShape {
  kind: 'text_encoder' | 'text_encoder_2';
  hidden: number;
  layers: number;
}

export const TEXT_ENCODER: TextEncoderShape = { kind: 'text_encoder', hidden: 768, layers: 12 };
export const TEXT_ENCODER_2: TextEncoderShape = {
  kind: 'text_encoder_2',
  hidden: 1280,
  layers: 32,
};

/** Per-token features [V, TEXT_FEATURES]: colour words carry their colour in features 0..2. */
function tokenTable(vocab: Readonly<Record<string, number>>, seed: number): Float32Array {
  const size = Object.keys(vocab).length;
  const table = new Float32Array(size * TEXT_FEATURES);
  const random = prng(seed);
  for (let id = 0; id < size; id++) {
    for (let f = 3; f < TEXT_FEATURES; f++) table[id * TEXT_FEATURES + f] = 0.5 * random();
  }
  for (const [word, rgb] of Object.entries(COLOUR_WORDS)) {
    const id = vocab[`${word}</w>`];
    if (id === undefined) throw new Error(`Colour word ${word} is not in the vocabulary`);
    table.set(rgb, id * TEXT_FEATURES);
  }
  return table;
}

/** [TEXT_FEATURES, hidden]: features 0..2 to dims 0..2 exactly; the rest spread over dims 3.. . */
function projection(hidden: number, seed: number): Float32Array {
  const basis = new Float32Array(TEXT_FEATURES * hidden);
  for (let c = 0; c < 3; c++) basis[c * hidden + c] = 1;
  const random = prng(seed);
  for (let f = 3; f < TEXT_FEATURES; f++) {
    for (let d = 3; d < hidden; d++) basis[f * hidden + d] = random();
  }
  return basis;
}

/** The encoded model for `shape` over `vocab`. */
export function textEncoderModel(
  shape: TextEncoderShape,
  vocab: Readonly<Record<string, number>>,
  float16: boolean,
): Uint8Array {
  const { kind, hidden, layers } = shape;
  const seed = kind === 'text_encoder' ? 1 : 2;
  const g = new GraphBuilder(kind, float16);
  const ids = g.input('input_ids', 'int64', ['B', 77]);
  const size = Object.keys(vocab).length;
  const features = g.node(
    'Gather',
    [g.floats('token_table', tokenTable(vocab, seed), [size, TEXT_FEATURES]), ids],
    { axis: 0 },
  );
  const embedding = g.node('MatMul', [
    features,
    g.floats('projection', projection(hidden, seed + 10), [TEXT_FEATURES, hidden]),
  ]);
  const pooled = g.node('ReduceSum', [embedding, g.ints('seq_axis', [1])], { keepdims: 0 });
  const states: string[] = [];
  for (let n = 0; n < layers; n++)
    states.push(g.node('Mul', [embedding, g.scalar(`layer_${n}`, (n + 1) / layers)]));
  states.push(g.node('Neg', [embedding]));
  const last = states[layers];

  const seqDims = ['B', 77, hidden];
  if (kind === 'text_encoder') {
    g.output('last_hidden_state', last, seqDims);
    g.output('pooler_output', pooled, ['B', hidden]);
  } else {
    g.output('text_embeds', pooled, ['B', hidden]);
    g.output('last_hidden_state', last, seqDims);
  }
  states.forEach((state, n) => g.output(`hidden_states.${n}`, state, seqDims));
  return g.encode();
}
