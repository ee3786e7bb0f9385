/** Calls of the app over HTTP, as curl -F makes them, and SDXLControlNetService's /metrics over its socket. */
import { request } from 'node:http';
import { find, parsePrometheus } from '../../../../packages/tests/src/helpers/prometheus';

export interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The parsed body when it is JSON (errors). */
  json?: { error: { code: string; message: string; details?: unknown } };
}

/**
 * POSTs multipart/form-data to `/generate`: `image` as a file part (omitted when undefined) and
 * `params` as a text field (an object is sent as its JSON, a string as it is).
 */
export async function generate(url: string, image: Buffer | undefined, params: Record<string, unknown> | string, filename = 'photo.png', signal?: AbortSignal): Promise<Answer> {
  const form = new FormData();
  if (image) form.append('image', new Blob([image]), filename);
  form.append('params', typeof params === 'string' ? params : JSON.stringify(params));
  const response = await fetch(`${url}/generate`, { method: 'POST', body: form, signal });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(bytes.toString()) as Answer['json']) : undefined;
  return { status: response.status, headers: response.headers, bytes, json };
}

/** GET /metrics of the service listening on a Unix socket. */
export function metricsOverSocket(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/metrics', method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** SDXLControlNetService's internal `generate` calls: in flight now, and answered by status. */
export async function sdxlCalls(socketPath: string): Promise<{ inFlight: number; answered: Record<string, number> }> {
  const { samples } = parsePrometheus(await metricsOverSocket(socketPath));
  const endpoint = '/_bento/call/generate';
  const inFlight = find(samples, 'bento_service_request_in_progress', { endpoint }).reduce((sum, s) => sum + s.value, 0);
  const answered: Record<string, number> = {};
  for (const s of find(samples, 'bento_service_request_total', { endpoint })) answered[s.labels.http_response_code!] = (answered[s.labels.http_response_code!] ?? 0) + s.value;
  return { inFlight, answered };
}
