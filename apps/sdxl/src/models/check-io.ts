/**
 * Compares an onnxruntime session's inputs and outputs with a model's declaration and says, per
 * tensor, what was expected and what was found. Pure: it reads the session's metadata only.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Dim, FloatPrecision, ModelDecl, TensorDecl } from './layout';

/** What of a session the check reads (an `InferenceSession` has all of it). */
export type SessionIo = Pick<
  InferenceSession,
  'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'
>;

/** How a model wants its `timestep`: the element type and the shape to feed. */
export interface TimestepInput {
  readonly type: 'float32' | 'float16' | 'int64';
  /** `[]`: a scalar; `[1]`: one value (older exports declare `[1]` or a symbolic `[steps]`). */
  readonly shape: readonly [] | readonly [1];
}

/** What the pipeline needs to know of one model besides its names. */
export interface ModelIoInfo {
  readonly precision: FloatPrecision;
  /** Present for the models with a `timestep` input (unet, controlnet). */
  readonly timestep?: TimestepInput;
}

/** The check's verdict: problems (one line each, empty when the model fits) and the info. */
export interface ModelIoCheck {
  readonly problems: string[];
  readonly info: ModelIoInfo;
}

type Metadata = InferenceSession.ValueMetadata;

/** Input names by which fused UNet+ControlNet exports are recognised (see docs on layouts). */
const FUSED_CONTROLNET_INPUTS = [
  'controlnet_images',
  'controlnet_conds',
  'controlnet_scales',
  'conditioning_scales',
];

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

function describe(meta: Metadata): string {
  return meta.isTensor ? `${meta.type} ${formatShape(meta.shape)}` : 'a non-tensor value';
}

/** onnxruntime reports a dimension without name or size as -1 or ''. */
function isDynamic(found: number | string): boolean {
  return typeof found === 'string' || found < 0;
}

function shapeMatches(declared: readonly Dim[], found: readonly (number | string)[]): boolean {
  if (declared.length !== found.length) return false;
  return declared.every((d, i) =>
    typeof d === 'number' ? found[i] === d || isDynamic(found[i]) : isDynamic(found[i]),
  );
}

function timestepForm(meta: Metadata): TimestepInput | undefined {
  if (!meta.isTensor) return undefined;
  if ((meta.type === 'float32' || meta.type === 'float16') && meta.shape.length === 0) {
    return { type: meta.type, shape: [] };
  }
  if (
    meta.type === 'int64' &&
    meta.shape.length === 1 &&
    (meta.shape[0] === 1 || isDynamic(meta.shape[0]))
  ) {
    return { type: 'int64', shape: [1] };
  }
  return undefined;
}

/**
 * The precision of a model: that of its first declared float tensor when it is float16, else
 * float32 (and if that tensor is neither, its own check says so).
 */
function precisionOf(decl: ModelDecl, byName: ReadonlyMap<string, Metadata>): FloatPrecision {
  const anchor = [...decl.inputs, ...decl.outputs].find(
    (t) => t.type === 'float' && byName.has(t.name),
  );
  const meta = anchor && byName.get(anchor.name);
  return meta?.isTensor && meta.type === 'float16' ? 'float16' : 'float32';
}

function expectedText(tensor: TensorDecl, precision: FloatPrecision): string {
  if (tensor.type === 'timestep') return 'float32 [] or int64 [1]';
  return `${tensor.type === 'float' ? precision : tensor.type} ${formatShape(tensor.shape)}`;
}

function byNameOf(names: readonly string[], metadata: readonly Metadata[]): Map<string, Metadata> {
  return new Map(
    names.map((name) => [name, metadata.find((m) => m.name === name) ?? { name, isTensor: false }]),
  );
}

/**
 * Checks `io` against `decl`. Problems name the file, the tensor, and expected vs found, e.g.
 * `unet/model.onnx: input encoder_hidden_states: expected float32 [B,77,2048] but found float32 [B,77,1024]`.
 * Extra outputs are allowed (never read); extra inputs are not (nothing would feed them).
 */
export function checkModelIo(decl: ModelDecl, io: SessionIo): ModelIoCheck {
  const inputs = byNameOf(io.inputNames, io.inputMetadata);
  const outputs = byNameOf(io.outputNames, io.outputMetadata);
  const all = new Map([...inputs, ...outputs]);
  const precision = precisionOf(decl, all);
  const problems: string[] = [];
  let timestep: TimestepInput | undefined;

  const checkSide = (
    side: 'input' | 'output',
    declared: readonly TensorDecl[],
    found: ReadonlyMap<string, Metadata>,
  ) => {
    for (const tensor of declared) {
      const meta = found.get(tensor.name);
      const expected = expectedText(tensor, precision);
      if (meta === undefined) {
        problems.push(
          `${decl.file}: ${side} ${tensor.name}: expected ${expected} but the model has no such ${side} (its ${side}s: ${[...found.keys()].join(', ') || 'none'})`,
        );
        continue;
      }
      if (tensor.type === 'timestep') {
        timestep = timestepForm(meta);
        if (timestep === undefined) {
          problems.push(
            `${decl.file}: ${side} ${tensor.name}: expected ${expected} but found ${describe(meta)}`,
          );
        }
        continue;
      }
      const wanted = tensor.type === 'float' ? precision : tensor.type;
      if (!meta.isTensor || meta.type !== wanted || !shapeMatches(tensor.shape, meta.shape)) {
        problems.push(
          `${decl.file}: ${side} ${tensor.name}: expected ${expected} but found ${describe(meta)}`,
        );
      }
    }
  };
  checkSide('input', decl.inputs, inputs);
  checkSide('output', decl.outputs, outputs);

  const declaredInputs = new Set(decl.inputs.map((t) => t.name));
  const extra = io.inputNames.filter((name) => !declaredInputs.has(name));
  for (const name of extra) {
    problems.push(
      `${decl.file}: unexpected input ${name} (${describe(inputs.get(name)!)}): the pipeline feeds only ${[...declaredInputs].join(', ')}`,
    );
  }
  const fused = extra.filter((name) => FUSED_CONTROLNET_INPUTS.includes(name));
  if (fused.length > 0) {
    problems.push(
      `${decl.file}: inputs ${fused.join(', ')} look like a UNet with the ControlNet fused in; this pipeline runs the UNet and the ControlNet as separate models`,
    );
  }

  return { problems, info: timestep === undefined ? { precision } : { precision, timestep } };
}
