import type { InferenceSession } from 'onnxruntime-node';
import { checkModelIo, type SessionIo } from './check-io';
import { MODEL_LAYOUT, type ModelDecl } from './layout';

type Meta = InferenceSession.ValueMetadata;
type Found = { type: string; shape: ReadonlyArray<number | string> };

/** Session IO exactly as declared (float32, symbols kept), with per-tensor overrides. */
function ioFor(
  decl: ModelDecl,
  overrides: Record<string, Found | null> = {},
  extraInputs: Record<string, Found> = {},
): SessionIo {
  const side = (tensors: ModelDecl['inputs'], extra: Record<string, Found> = {}) => {
    const metas: Meta[] = [];
    for (const t of tensors) {
      const override = overrides[t.name];
      if (override === null) continue;
      const base: Found =
        t.type === 'timestep'
          ? { type: 'float32', shape: [] }
          : { type: t.type === 'float' ? 'float32' : t.type, shape: t.shape };
      metas.push({ name: t.name, isTensor: true, ...(override ?? base) } as Meta);
    }
    for (const [name, found] of Object.entries(extra))
      metas.push({ name, isTensor: true, ...found } as Meta);
    return metas;
  };
  const inputMetadata = side(decl.inputs, extraInputs);
  const outputMetadata = side(decl.outputs);
  return {
    inputNames: inputMetadata.map((m) => m.name),
    outputNames: outputMetadata.map((m) => m.name),
    inputMetadata,
    outputMetadata,
  };
}

const { unet, text_encoder: textEncoder, vae_decoder: vae } = MODEL_LAYOUT;

describe('checkModelIo', () => {
  it('accepts the declaration itself and reports float32 and the scalar timestep', () => {
    expect(checkModelIo(unet, ioFor(unet))).toEqual({
      problems: [],
      info: { precision: 'float32', timestep: { type: 'float32', shape: [] } },
    });
    expect(checkModelIo(textEncoder, ioFor(textEncoder))).toEqual({
      problems: [],
      info: { precision: 'float32' },
    });
  });

  it('takes a fixed size the model leaves symbolic (optimum names the sequence length)', () => {
    const io = ioFor(textEncoder, {
      input_ids: { type: 'int64', shape: ['batch_size', 'sequence_length'] },
    });
    expect(checkModelIo(textEncoder, io).problems).toEqual([]);
  });

  it('refuses a fixed size where the pipeline needs a symbol, and a wrong size', () => {
    const io = ioFor(unet, {
      sample: { type: 'float32', shape: [2, 4, 'h', 'w'] },
      encoder_hidden_states: { type: 'float32', shape: ['B', 77, 1024] },
    });
    expect(checkModelIo(unet, io).problems).toEqual([
      'unet/model.onnx: input sample: expected float32 [B,4,h,w] but found float32 [2,4,h,w]',
      'unet/model.onnx: input encoder_hidden_states: expected float32 [B,77,2048] but found float32 [B,77,1024]',
    ]);
  });

  it('reads the timestep form: float scalar, or int64 [1] / [steps] of older exports', () => {
    const form = (found: Found) => checkModelIo(unet, ioFor(unet, { timestep: found }));
    expect(form({ type: 'int64', shape: [1] }).info.timestep).toEqual({
      type: 'int64',
      shape: [1],
    });
    expect(form({ type: 'int64', shape: ['steps'] }).info.timestep).toEqual({
      type: 'int64',
      shape: [1],
    });
    expect(form({ type: 'float16', shape: [] }).info.timestep).toEqual({
      type: 'float16',
      shape: [],
    });
    expect(form({ type: 'float32', shape: [1] }).problems).toEqual([
      'unet/model.onnx: input timestep: expected float32 [] or int64 [1] but found float32 [1]',
    ]);
  });

  it('accepts a float16 model and refuses float32 mixed into it', () => {
    const half = ioFor(vae, {
      latent_sample: { type: 'float16', shape: ['B', 4, 'h', 'w'] },
      sample: { type: 'float16', shape: ['B', 3, '8h', '8w'] },
    });
    expect(checkModelIo(vae, half)).toEqual({ problems: [], info: { precision: 'float16' } });
    const mixed = ioFor(vae, { latent_sample: { type: 'float16', shape: ['B', 4, 'h', 'w'] } });
    expect(checkModelIo(vae, mixed).problems).toEqual([
      'vae_decoder/model.onnx: output sample: expected float16 [B,3,8h,8w] but found float32 [B,3,8h,8w]',
    ]);
  });

  it('names missing outputs and unexpected inputs, and recognises a fused ControlNet', () => {
    const io = ioFor(
      unet,
      { out_sample: null },
      { controlnet_conds: { type: 'float32', shape: ['B', 3, 'H', 'W'] } },
    );
    const { problems } = checkModelIo(unet, io);
    expect(problems[0]).toBe(
      'unet/model.onnx: output out_sample: expected float32 [B,4,h,w] but the model has no such output (its outputs: none)',
    );
    expect(problems[1]).toMatch(
      /^unet\/model\.onnx: unexpected input controlnet_conds \(float32 \[B,3,H,W\]\): the pipeline feeds only sample, timestep, /,
    );
    expect(problems[2]).toMatch(/controlnet_conds look like a UNet with the ControlNet fused in/);
  });
});
