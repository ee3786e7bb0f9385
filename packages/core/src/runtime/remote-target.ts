import { Agent, request, type IncomingMessage } from 'node:http';
import { ERROR_SERVICE_HEADER, RemoteError, ServiceUnavailableError, TimeoutError } from '../errors';
import type { DependencySpec, DependencyTarget } from '../sdk/depends';
import { getServiceDefinition } from '../sdk/definition';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_ENV, INTERNAL_TOKEN_HEADER } from '../server/frames-codec';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE, readFramesBody, writeFrames } from '../wire';

/** Largest result an internal call accepts. */
const MAX_RESULT_BYTES = 1024 * 1024 * 1024;
/** Time the caller waits beyond the callee's own traffic.timeout, so the callee's 504 arrives first. */
const TIMEOUT_GRACE_MS = 5_000;

/** `unix:///run/x.sock` → socket path; `http://host:port` → host and port. */
function endpointOf(address: string): { socketPath?: string; host?: string; port?: number } {
  if (address.startsWith('unix://')) return { socketPath: address.slice('unix://'.length) };
  const url = new URL(address);
  return { host: url.hostname, port: Number(url.port || 80) };
}

async function remoteError(response: IncomingMessage, spec: DependencySpec, address: string): Promise<RemoteError> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const origin = response.headers[ERROR_SERVICE_HEADER];
  const service = typeof origin === 'string' ? origin : spec.name;
  const requestId = response.headers['x-request-id'] as string | undefined;
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; details?: unknown } };
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return new RemoteError({ status: response.statusCode!, code: error.code, message: error.message, details: error.details, url: address, requestId, service });
    }
  } catch {
    // not the Bento error shape: fall through
  }
  return new RemoteError({ status: response.statusCode ?? 502, code: 'http_error', message: `Service ${spec.name} answered HTTP ${response.statusCode}`, url: address, requestId, service });
}

/**
 * Calls another service of the graph over its internal route: arguments and result as frames
 * (tensors travel as raw bytes, received as views), over pooled keep-alive connections on a Unix
 * socket or TCP. Errors keep the callee's status, code and message and name the service they
 * started in; an unreachable service is a 503 naming it, a late one a 504.
 */
export function remoteTarget(spec: DependencySpec, address: string, token: string | undefined = process.env[INTERNAL_TOKEN_ENV]): DependencyTarget {
  const endpoint = endpointOf(address);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const timeoutMs = getServiceDefinition(spec.service).options.traffic.timeout * 1000 + TIMEOUT_GRACE_MS;
  return {
    call: (method, input) =>
      new Promise((resolve, reject) => {
        const encoded = encodeFrames({ input });
        const headers: Record<string, string | number> = { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, accept: FRAMES_CONTENT_TYPE };
        if (token) headers[INTERNAL_TOKEN_HEADER] = token;
        const req = request({ ...endpoint, agent, method: 'POST', path: INTERNAL_ROUTE_PREFIX + method, headers, timeout: timeoutMs }, (response) => {
          if (response.statusCode !== 200) {
            remoteError(response, spec, address).then(reject, reject);
            return;
          }
          readFramesBody(response, MAX_RESULT_BYTES)
            .then((body) => resolve((decodeFrames(body) as { result: unknown }).result))
            .catch((cause: unknown) => reject(new ServiceUnavailableError(`Service ${spec.name} sent an unreadable result: ${(cause as Error).message}`, { service: spec.name }, cause)));
        });
        req.on('timeout', () => req.destroy(new TimeoutError(`Service ${spec.name} did not answer ${method} within ${timeoutMs / 1000}s`, { service: spec.name })));
        req.on('error', (cause: NodeJS.ErrnoException) => {
          if (cause instanceof TimeoutError) return reject(cause);
          reject(new ServiceUnavailableError(`Service ${spec.name} is unavailable at ${address} (${cause.code ?? cause.message})`, { service: spec.name }, cause));
        });
        writeFrames(req, encoded);
        req.end();
      }),
  };
}
