import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { createSession, type ExecutionProviders } from '../models/open-session';
import { RESIDUAL_COUNT } from './controlnet-schedule';
import { ModelRunner, type OutputBuffers } from './model-runner';
import type { ResidualBuffer } from './residual-buffers';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatInput(name: string, dims: Array<number | string>): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/**
 * A graph that multiplies each of the ten residuals by its scale (`scales[k]`). With `zeroFirstHalf`
 * (guess mode with guidance) the ControlNet ran on the conditional half alone: each output is
 * `[zeros; scaled]`, the batch of two the UNet takes.
 */
function scalerGraph(zeroFirstHalf: boolean): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const inputs = [floatInput('scales', [RESIDUAL_COUNT])];
  const outputs: onnx.IValueInfoProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  for (let k = 0; k < RESIDUAL_COUNT; k++) {
    inputs.push(floatInput(`residual_${k}`, [`b${k}`, `c${k}`, `h${k}`, `w${k}`]));
    outputs.push(floatInput(`scaled_${k}`, [`o${k}`, `c${k}`, `h${k}`, `w${k}`]));
    initializers.push({ name: `index_${k}`, dataType: INT64, dims: [], int64Data: [k] });
    nodes.push({ opType: 'Gather', input: ['scales', `index_${k}`], output: [`scale_${k}`] });
    if (!zeroFirstHalf) {
      nodes.push({ opType: 'Mul', input: [`residual_${k}`, `scale_${k}`], output: [`scaled_${k}`] });
      continue;
    }
    nodes.push({ opType: 'Mul', input: [`residual_${k}`, `scale_${k}`], output: [`conditional_${k}`] });
    nodes.push({ opType: 'Shape', input: [`residual_${k}`], output: [`shape_${k}`] });
    nodes.push({ opType: 'ConstantOfShape', input: [`shape_${k}`], output: [`zeros_${k}`] });
    nodes.push({ opType: 'Concat', input: [`zeros_${k}`, `conditional_${k}`], output: [`scaled_${k}`], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] });
  }
  const graph = onnx.GraphProto.create({ name: 'scale_residuals', node: nodes, input: inputs, output: outputs, initializer: initializers });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
}

/**
 * Scales the ControlNet's residuals for the UNet inside onnxruntime rather than in JavaScript: at
 * 1024² with guidance they are ~54 M floats a step (215 MB), which a JavaScript loop takes tens of
 * milliseconds to multiply, and onnxruntime's vectorised, threaded kernels (or the GPU) far less.
 * Reads the ControlNet's output buffers and writes the UNet's input buffers: no array is made per step.
 */
export class ResidualScaler {
  private constructor(
    private readonly plain: ModelRunner,
    private readonly guessHalf: ModelRunner,
  ) {}

  static async create(providers: ExecutionProviders): Promise<ResidualScaler> {
    const open = async (zeroFirstHalf: boolean): Promise<InferenceSession> => createSession(scalerGraph(zeroFirstHalf), providers);
    return new ResidualScaler(new ModelRunner('residual scaler', await open(false)), new ModelRunner('residual scaler (guess mode)', await open(true)));
  }

  /**
   * `to[k] = from[k] × scales[k]`; with `zeroFirstHalf`, `to[k] = [0; from[k] × scales[k]]`
   * (`from` has batch 1, `to` batch 2).
   */
  async scale(from: readonly ResidualBuffer[], scales: Float32Array, to: readonly ResidualBuffer[], zeroFirstHalf: boolean): Promise<void> {
    const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = { scales: { data: scales, dims: [RESIDUAL_COUNT] } };
    const outputs: OutputBuffers = {};
    for (let k = 0; k < RESIDUAL_COUNT; k++) {
      feeds[`residual_${k}`] = from[k]!;
      outputs[`scaled_${k}`] = to[k]!;
    }
    await (zeroFirstHalf ? this.guessHalf : this.plain).run(feeds, outputs);
  }

  async release(): Promise<void> {
    await Promise.all([this.plain.session.release(), this.guessHalf.session.release()]);
  }
}
