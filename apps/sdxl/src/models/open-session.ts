/**
 * The one place that opens an onnxruntime session, so every model is opened the same way.
 */
import { InferenceSession } from 'onnxruntime-node';

/** Execution providers in order of preference, as onnxruntime takes them (`'cuda'`, `'cpu'`, …). */
export type ExecutionProviders = readonly InferenceSession.ExecutionProviderConfig[];

/**
 * Opens the ONNX model at `modelPath` (its `model.onnx_data`, if any, is read from beside it) on
 * `executionProviders`. Errors are onnxruntime's own; callers add which file it was.
 *
 * @example
 * const session = await createSession('models/unet/model.onnx', ['cpu']);
 */
export function createSession(
  modelPath: string,
  executionProviders: ExecutionProviders,
): Promise<InferenceSession> {
  return InferenceSession.create(modelPath, { executionProviders });
}
