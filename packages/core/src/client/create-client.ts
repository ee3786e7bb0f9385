import { ERROR_SERVICE_HEADER, ServiceUnavailableError, type RemoteError } from '../errors';
import { checkCallOptions, settleOrAbort } from '../wire/call-signal';
import { DEADLINE_HEADER, NOT_STARTED_HEADER } from '../wire/deadline-header';
import type { ServiceClass } from '../sdk/definition';
import type { ServiceMethods } from '../sdk/service-methods';
import { callDeadline, type CallDeadline, type ClientCallOptions } from './call-options';
import { ReadinessGate } from './readiness';
import { remoteErrorFrom } from './remote-error';
import { RouteTable } from './route-discovery';
import { eventStreamValues } from './event-stream-values';
import { pendingCall, type PendingCall } from './pending-call';
import { CLIENT_ACCEPT, decodeResponse, encodeRequest } from './wire-format';

const SSE_ACCEPT = 'text/event-stream';

/**
 * A typed client of a service: one method per API, `(input, options?) => Promise<result>` (a
 * streaming API: `AsyncIterable` of its values, for `for await`). The
 * input is what the API's schema accepts (see `ServiceMethods`), so a wrong argument is a compile
 * error at the call site; `options` are `ClientCallOptions` (signal, headers, timeout). APIs named
 * `then`, `toJSON`, `toString`, `toLocaleString` or `valueOf` cannot be called through a client.
 */
export type Client<S extends ServiceClass> = ServiceMethods<S, ClientCallOptions> & ClientControls;

/** Methods every client has beside the service's APIs; `$`-prefixed so they cannot clash with an API. */
export interface ClientControls {
  /** Resolves once the service's /readyz answers 200; rejects with a 503 `ServiceUnavailableError` after `timeoutMs`. */
  $ready(timeoutMs?: number): Promise<void>;
  /** The base URL this client calls. */
  readonly $url: string;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Make the first call wait for /readyz (true: up to 30 s; a number: that many milliseconds). If
   * the service is not ready in time, that call rejects with a 503 `ServiceUnavailableError`.
   */
  waitForReady?: boolean | number;
  /** Headers sent with every call (auth, tracing). */
  headers?: Record<string, string>;
  /**
   * One of the service's API keys (see docs/security.md), sent with every call as
   * `Authorization: Bearer <key>`. The service's /readyz and /docs.json need none.
   */
  apiKey?: string;
  /** Per-call timeout in milliseconds; default none (the server's traffic.timeout applies). */
  timeoutMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;

/**
 * Names a client never treats as an API, because JavaScript itself looks them up: `await`,
 * `JSON.stringify`, string conversion. The client cannot know the API names before it asks the
 * server, and calling the service for one of these would be a surprise (and, unawaited, a crash).
 * APIs with these names are not callable through a client.
 */
const OBJECT_PROTOCOL_NAMES: ReadonlySet<string> = new Set(['then', 'toJSON', 'toString', 'toLocaleString', 'valueOf', 'constructor']);
/** Node's `util.inspect` looks for this on the proxy's target (it does not go through the proxy). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

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
    notStarted: response.headers.get(NOT_STARTED_HEADER) === '1',
  });
}

/**
 * A typed HTTP client of a running service. Creating one makes no request: readiness and the
 * routes are asked for by the first call, and a failure reaches that call, never the process.
 *
 * @example
 * ```ts
 * const client = createClient<typeof Describe>('http://localhost:3000', { waitForReady: true });
 * const result = await client.describe({ image, params: { prompt: 'a house' } }, { timeoutMs: 10_000 });
 * ```
 */
export function createClient<S extends ServiceClass>(url: string, options: ClientOptions = {}): Client<S> {
  const baseUrl = url.replace(/\/+$/, '');
  const readyTimeoutMs = options.waitForReady === true ? DEFAULT_READY_TIMEOUT_MS : options.waitForReady || undefined;
  const readiness = new ReadinessGate(baseUrl, readyTimeoutMs);
  const routes = new RouteTable(baseUrl);
  const authorization: Record<string, string> = options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };

  /** Sends one call and resolves with its successful response; rejects with the call's error. */
  const send = async (method: string, input: unknown, callOptions: ClientCallOptions, accept: string, deadline: CallDeadline, signal: AbortSignal | undefined, unlessStreaming = false): Promise<{ response: Response; target: string } | undefined> => {
    signal?.throwIfAborted();
    await readiness.passed(signal);
    const route = await settleOrAbort(routes.infoOf(method), signal);
    if (unlessStreaming && route.streaming) return undefined;
    const target = baseUrl + route.path;
    const { body, contentType } = encodeRequest(input);
    const headers: Record<string, string> = { accept, ...authorization, ...options.headers, ...callOptions.headers };
    if (contentType) headers['content-type'] = contentType;
    // The service stops when this call gives up, and its own calls to dependencies too.
    if (deadline.expiresAt !== undefined && headers[DEADLINE_HEADER] === undefined) {
      headers[DEADLINE_HEADER] = String(Math.max(0, Math.floor(deadline.expiresAt - performance.now())));
    }
    let response: Response;
    try {
      response = await fetch(target, { method: 'POST', body, headers, signal });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new ServiceUnavailableError(`Cannot reach ${target}: ${reason}`, { url: target }, cause);
    }
    if (!response.ok) throw await remoteErrorOf(response, target);
    return { response, target };
  };

  /** A plain call; `automatic` (started without being awaited yet) sends nothing to a streaming API. */
  const call = async (method: string, input: unknown, callOptions: ClientCallOptions = {}, automatic = false): Promise<unknown> => {
    checkCallOptions(callOptions, `client.${method}()`);
    const deadline = callDeadline(callOptions, options.timeoutMs);
    try {
      const sent = await send(method, input, callOptions, CLIENT_ACCEPT, deadline, deadline.signal, automatic);
      if (!sent) return undefined;
      const { response } = sent;
      // The signal also covers reading the body: a timeout mid-answer still ends the call.
      return await decodeResponse(response);
    } catch (error) {
      if (deadline.signal?.aborted) throw deadline.error(`${baseUrl}/${method}`);
      throw error;
    }
  };

  /** A streaming API's values; leaving the loop early closes the connection, which cancels the call. */
  async function* stream(method: string, input: unknown, callOptions: ClientCallOptions = {}): AsyncGenerator<unknown, unknown, undefined> {
    checkCallOptions(callOptions, `client.${method}()`);
    const deadline = callDeadline(callOptions, options.timeoutMs);
    const stop = new AbortController();
    const signal = deadline.signal ? AbortSignal.any([deadline.signal, stop.signal]) : stop.signal;
    try {
      const { response, target } = (await send(method, input, callOptions, SSE_ACCEPT, deadline, signal))!;
      if (!(response.headers.get('content-type') ?? '').startsWith(SSE_ACCEPT) || !response.body) {
        throw new ServiceUnavailableError(`${target} did not answer with an event stream: ${method} is not a streaming API there`, { url: target });
      }
      return yield* eventStreamValues(response.body, target, response.headers.get('x-request-id') ?? undefined);
    } catch (error) {
      if (deadline.signal?.aborted) throw deadline.error(`${baseUrl}/${method}`);
      throw error;
    } finally {
      stop.abort();
    }
  }

  const describe = () => `[Client ${baseUrl}]`;
  const controls: ClientControls = {
    $ready: (timeoutMs = DEFAULT_READY_TIMEOUT_MS) => readiness.check(timeoutMs),
    $url: baseUrl,
  };
  Object.defineProperty(controls, INSPECT, { value: describe });
  const methods = new Map<string, (input?: unknown, options?: ClientCallOptions) => PendingCall>();
  return new Proxy(controls, {
    get(target, property) {
      if (typeof property === 'symbol') return property === Symbol.toPrimitive || property === INSPECT ? describe : undefined;
      if (Object.prototype.hasOwnProperty.call(target, property)) return target[property as keyof ClientControls];
      if (OBJECT_PROTOCOL_NAMES.has(property)) return property === 'toString' ? describe : undefined;
      let method = methods.get(property);
      if (!method) {
        methods.set(property, (method = (input, callOptions) => {
          return pendingCall((automatic) => call(property, input, callOptions, automatic), () => stream(property, input, callOptions));
        }));
      }
      return method;
    },
  }) as Client<S>;
}
