import { ServiceUnavailableError } from '../errors';

/**
 * The 503 for a dependency that could not be reached. Its message, which reaches the public
 * caller, names the service and the error code only: the address (a Unix socket path, a cluster
 * DNS name, a private IP) is an internal of the deployment. The address stays in the cause, which
 * the server logs with the failed request.
 */
export function unreachable(service: string, address: string, cause: unknown): ServiceUnavailableError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const detail = new Error(`could not reach ${service} at ${address}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  return new ServiceUnavailableError(`Service ${service} is unavailable${code ? ` (${code})` : ''}`, { service }, detail);
}
