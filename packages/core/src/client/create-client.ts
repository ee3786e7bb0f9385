import { ERROR_SERVICE_HEADER, ServiceUnavailableError, type RemoteError } from '../errors';
import type { ServiceClass } from '../sdk/definition';
import type { ServiceMethods } from '../sdk/service-methods';
import { remoteErrorFrom } from './remote-error';
import { decodeResponse, encodeRequest } from './wire-format';

/**
 * A typed client of a service: one method per API with the same argument and result types as the
 * class, so a wrong argument is a compile error at the call site.
 */
export type Client<S extends ServiceClass> = ServiceMethods<S> & ClientControls;

/** Methods every client has beside the service's APIs; `$`-prefixed so they cannot clash with an API. */
export interface ClientControls {
  /** Resolves once the service's /readyz answers 200; rejects after `timeoutMs`. */
  $ready(timeoutMs?: number): Promise<void>;
  /** The base URL this client calls. */
  readonly $url: string;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** Wait for /readyz before the first call (true: up to 30 s; a number: that many milliseconds). */
  waitForReady?: boolean | number;
  /** Headers sent with every call (auth, tracing). */
  headers?: Record<string, string>;
  /** Per-call timeout in milliseconds; default none (the server's traffic.timeout applies). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForReady(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      await response.arrayBuffer();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new ServiceUnavailableError(`Service at ${baseUrl} was not ready within ${timeoutMs} ms (${last})`, { url: baseUrl });
}

/** Reads the API routes from the server's OpenAPI document (x-bento-method → path). */
async function fetchRoutes(baseUrl: string): Promise<Map<string, string>> {
  const routes = new Map<string, string>();
  try {
    const response = await fetch(`${baseUrl}/docs.json`);
    if (!response.ok) return routes;
    const document = (await response.json()) as { paths?: Record<string, { post?: { 'x-bento-method'?: string } }> };
    for (const [route, item] of Object.entries(document.paths ?? {})) {
      const method = item.post?.['x-bento-method'];
      if (method) routes.set(method, route);
    }
  } catch {
    // Older or non-Bento servers: fall back to /<method name>.
  }
  return routes;
}

async function remoteErrorOf(response: Response, url: string): Promise<RemoteError> {
  const text = await response.text();
  return remoteErrorFrom({
    status: response.status,
    text,
    url,
    requestId: response.headers.get('x-request-id') ?? undefined,
    // The service the error started in, however deep in the graph (absent: the one called).
    service: response.headers.get(ERROR_SERVICE_HEADER) ?? undefined,
    fallbackMessage: `HTTP ${response.status}: ${text.slice(0, 200)}`,
  });
}

/**
 * A typed HTTP client of a running service.
 *
 * @example
 * ```ts
 * const client = createClient<typeof Describe>('http://localhost:3000', { waitForReady: true });
 * const result = await client.describe({ image, params: { prompt: 'a house' } });
 * ```
 */
export function createClient<S extends ServiceClass>(url: string, options: ClientOptions = {}): Client<S> {
  const baseUrl = url.replace(/\/+$/, '');
  let routes: Promise<Map<string, string>> | undefined;
  let ready: Promise<void> | undefined =
    options.waitForReady === undefined || options.waitForReady === false
      ? undefined
      : waitForReady(baseUrl, options.waitForReady === true ? 30_000 : options.waitForReady);

  const call = async (method: string, input: unknown): Promise<unknown> => {
    if (ready) await ready;
    routes ??= fetchRoutes(baseUrl);
    const route = (await routes).get(method) ?? `/${method}`;
    const target = baseUrl + route;
    const { body, contentType } = await encodeRequest(input);
    const headers: Record<string, string> = { accept: 'application/json, image/png, application/octet-stream', ...options.headers };
    if (contentType) headers['content-type'] = contentType;
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        body,
        headers,
        signal: options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined,
      });
    } catch (cause) {
      const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new ServiceUnavailableError(`Cannot reach ${target}: ${reason}`, { url: target }, cause);
    }
    if (!response.ok) throw await remoteErrorOf(response, target);
    return decodeResponse(response);
  };

  const controls: ClientControls = {
    $ready: (timeoutMs = 30_000) => (ready = waitForReady(baseUrl, timeoutMs)),
    $url: baseUrl,
  };
  return new Proxy(controls, {
    get(target, property) {
      if (typeof property !== 'string') return undefined;
      if (property in target) return target[property as keyof ClientControls];
      // A client is not a thenable: `await client` must not call a `then` API.
      if (property === 'then') return undefined;
      return (input: unknown) => call(property, input);
    },
  }) as Client<S>;
}
