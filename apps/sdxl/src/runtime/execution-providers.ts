import { env, InferenceSession } from 'onnxruntime-node';

/** Where the models run, and why there. */
export interface ExecutionChoice {
  provider: 'cuda' | 'cpu';
  /** Why CUDA is not used, when it is not. */
  reason?: string;
}

/** `SDXL_EXECUTION_PROVIDER`: `auto` (default: CUDA when usable, else CPU), `cuda` (required), `cpu`. */
export type ProviderRequest = 'auto' | 'cuda' | 'cpu';

export function providerRequestOf(env: NodeJS.ProcessEnv = process.env): ProviderRequest {
  const value = (env.SDXL_EXECUTION_PROVIDER ?? 'auto').toLowerCase();
  if (value === 'auto' || value === 'cuda' || value === 'cpu') return value;
  throw new RangeError(`Expected auto, cuda or cpu for SDXL_EXECUTION_PROVIDER but received ${JSON.stringify(env.SDXL_EXECUTION_PROVIDER)}`);
}

/** Why onnxruntime could not use CUDA, in a line: its first, and the missing library when that was it. */
function cudaFailure(error: unknown): string {
  // eslint-disable-next-line no-control-regex
  const text = String((error as Error)?.message ?? error).replace(/\u001b\[[0-9;]*m/g, '');
  const first = text.split('\n')[0]!.slice(0, 200);
  if (/cannot open shared object file|Failed to load library/.test(text)) {
    return `${first}: the CUDA provider libraries are not installed (onnxruntime-node's npm package ships the CPU library only)`;
  }
  return first;
}

/**
 * Opens an onnxruntime session on the chosen provider. With `auto`, CUDA is tried first: the npm
 * package ships only the CPU library, and asking for CUDA without its provider libraries throws
 * instead of falling back, so the failure is caught, the reason kept, and CPU used.
 */
export async function createSession(
  model: string | Uint8Array,
  request: ProviderRequest,
  options: InferenceSession.SessionOptions = {},
): Promise<{ session: InferenceSession; choice: ExecutionChoice }> {
  // Errors are ours to report: onnxruntime's own logger would print the CUDA probe's failure to
  // stderr as an error, on every start of a CPU-only host.
  env.logLevel = 'fatal';
  const base: InferenceSession.SessionOptions = { logSeverityLevel: 3, ...options };
  const open = (providers: string[]) =>
    typeof model === 'string' ? InferenceSession.create(model, { ...base, executionProviders: providers }) : InferenceSession.create(model, { ...base, executionProviders: providers });
  if (request === 'cpu') return { session: await open(['cpu']), choice: { provider: 'cpu', reason: 'SDXL_EXECUTION_PROVIDER=cpu' } };
  try {
    return { session: await open(['cuda']), choice: { provider: 'cuda' } };
  } catch (error) {
    if (request === 'cuda') throw new Error(`SDXL_EXECUTION_PROVIDER=cuda, but the CUDA execution provider cannot be used: ${cudaFailure(error)}`);
    return { session: await open(['cpu']), choice: { provider: 'cpu', reason: `CUDA is not usable here (${cudaFailure(error)})` } };
  }
}
