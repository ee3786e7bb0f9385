import { createSession, type ExecutionProviders } from '../models/open-session';

/** `SDXL_EXECUTION_PROVIDER`: `auto` (default: CUDA when usable, else CPU), `cuda` (required), `cpu`. */
export type ProviderRequest = 'auto' | 'cuda' | 'cpu';

/** Where the models will run, and why there. */
export interface ExecutionChoice {
  provider: 'cuda' | 'cpu';
  /** What to open every session with. */
  providers: ExecutionProviders;
  /** Why CUDA is not used, when it is not. */
  reason?: string;
}

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
  if (/cannot open shared object file|Failed to load (shared )?librar/.test(text)) {
    return `${first}: the CUDA provider libraries are not installed (onnxruntime-node's npm package ships the CPU library only)`;
  }
  return first;
}

/**
 * Decides where the models run by opening `probeModel` (a small one: the first text encoder) on
 * CUDA. Asking onnxruntime for `['cuda', 'cpu']` without the CUDA provider libraries throws instead
 * of falling back, so with `auto` the failure is caught, its reason kept for the log, and CPU used.
 */
export async function chooseExecutionProviders(request: ProviderRequest, probeModel: string): Promise<ExecutionChoice> {
  if (request === 'cpu') return { provider: 'cpu', providers: ['cpu'], reason: 'SDXL_EXECUTION_PROVIDER=cpu' };
  try {
    const probe = await createSession(probeModel, ['cuda']);
    await probe.release();
    return { provider: 'cuda', providers: ['cuda', 'cpu'] };
  } catch (error) {
    if (request === 'cuda') throw new Error(`SDXL_EXECUTION_PROVIDER=cuda, but the CUDA execution provider cannot be used: ${cudaFailure(error)}`);
    return { provider: 'cpu', providers: ['cpu'], reason: `CUDA is not usable here: ${cudaFailure(error)}` };
  }
}
