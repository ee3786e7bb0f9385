/**
 * The one place that opens an onnxruntime session, so every model is opened the same way.
 */
import { env, InferenceSession } from 'onnxruntime-node';

/** Execution providers in order of preference, as onnxruntime takes them (`'cuda'`, `'cpu'`, …). */
export type ExecutionProviders = readonly InferenceSession.ExecutionProviderConfig[];

/**
 * Opens the ONNX model at `modelPath` (its `model.onnx_data`, if any, is read from beside it), or a
 * model's bytes, on
 * `executionProviders`. Errors are onnxruntime's own; callers add which file it was.
 *
 * @example
 * const session = await createSession('models/unet/model.onnx', ['cpu']);
 */
export function createSession(
  modelPath: string | Uint8Array,
  executionProviders: ExecutionProviders,
): Promise<InferenceSession> {
  // Errors are reported by whoever opens the model, with its file: onnxruntime's own logger would
  // also print them to stderr (every CPU-only host would show the CUDA probe's failure as an error).
  env.logLevel = 'fatal';
  const options = { executionProviders, logSeverityLevel: 3 as const };
  return typeof modelPath === 'string' ? InferenceSession.create(modelPath, options) : InferenceSession.create(modelPath, options);
}
