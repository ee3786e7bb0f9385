import { BentoError } from '../../errors';

/** A deployment that could not be applied, or did not become ready: the message says why and what the cluster said. */
export class DeploymentError extends BentoError {
  constructor(message: string, details?: unknown, cause?: unknown) {
    super(message, { status: 500, code: 'deployment_failed', details, cause });
  }
}

/** What the API server said about a failed request: its Status message when it sent one. */
export function apiMessageOf(error: unknown): string {
  const { body, code, message } = error as { body?: unknown; code?: number; message?: string };
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return `${status.message}${code ? ` (HTTP ${code})` : ''}`;
    } catch {
      // Not a Status object: the error's own message below.
    }
  }
  const reason = (error as { cause?: { code?: string } }).cause?.code;
  return `${message ?? String(error)}${reason ? ` (${reason})` : ''}`;
}
