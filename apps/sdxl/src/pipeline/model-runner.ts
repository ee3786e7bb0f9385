import { float16ToFloat32, float32ToFloat16 } from '@bento/native';
import { Tensor as OrtTensor, type InferenceSession } from 'onnxruntime-node';
import { timeRun } from './run-clock';

/** One input of a model run: float32 values (converted for a float16 model) or int64 ids. */
export type Feed = { data: Float32Array; dims: readonly number[] } | { data: BigInt64Array; dims: readonly number[] };

/** Where a float32 output is written: a buffer the caller owns and reuses, of the output's size. */
export type OutputBuffers = Record<string, { data: Float32Array; dims: readonly number[] }>;

/**
 * Runs one onnxruntime session with the pipeline's float32 values, whatever the model's precision:
 * for a float16 model, float32 inputs are converted to half floats on the way in (with
 * @bento/native) and outputs back on the way out. For a float32 model, outputs are written by
 * onnxruntime straight into the caller's buffers: the denoising loop reuses them every step.
 */
export class ModelRunner {
  private readonly halfInputs: ReadonlySet<string>;
  private readonly halfOutputs: ReadonlySet<string>;

  constructor(
    /** The model's file, for errors. */
    readonly name: string,
    readonly session: InferenceSession,
  ) {
    const half = (metadata: readonly InferenceSession.ValueMetadata[]) =>
      new Set(metadata.filter((m) => m.isTensor && m.type === 'float16').map((m) => m.name));
    this.halfInputs = half(session.inputMetadata);
    this.halfOutputs = half(session.outputMetadata);
  }

  /** Whether any input or output of the model is float16. */
  get isFloat16(): boolean {
    return this.halfInputs.size > 0 || this.halfOutputs.size > 0;
  }

  /** Runs the model; outputs go into `outputs` (every requested output must have a buffer). */
  async run(feeds: Record<string, Feed>, outputs: OutputBuffers): Promise<void> {
    const inputs: Record<string, OrtTensor> = {};
    for (const [key, feed] of Object.entries(feeds)) inputs[key] = this.inputTensor(key, feed);
    const fetches: Record<string, OrtTensor | null> = {};
    for (const [key, out] of Object.entries(outputs)) {
      // A float16 output cannot land in a float32 buffer: onnxruntime allocates it, we convert.
      fetches[key] = this.halfOutputs.has(key) ? null : new OrtTensor('float32', out.data, out.dims as number[]);
    }
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await timeRun(this.name, () => this.session.run(inputs, fetches));
    } catch (cause) {
      throw new Error(`${this.name}: ${(cause as Error).message.split('\n')[0]}`, { cause });
    }
    for (const key of this.halfOutputs) {
      const out = outputs[key];
      if (out) out.data.set(float16ToFloat32(results[key]!.data as Uint16Array));
    }
  }

  private inputTensor(key: string, feed: Feed): OrtTensor {
    const dims = feed.dims as number[];
    if (feed.data instanceof BigInt64Array) return new OrtTensor('int64', feed.data, dims);
    if (this.halfInputs.has(key)) return new OrtTensor('float16', float32ToFloat16(feed.data), dims);
    return new OrtTensor('float32', feed.data, dims);
  }
}
