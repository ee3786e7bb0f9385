import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { remoteErrorFrom } from '../client/remote-error';
import { ERROR_SERVICE_HEADER, RemoteError, ServiceUnavailableError, TimeoutError } from '../errors';
import type { CallOptions } from '../sdk/call-options';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE, FRAMES_STREAM_CONTENT_TYPE, StreamRecordReader, writeFrames, type EncodedFrames, type StreamErrorPayload } from '../wire';
import { DEADLINE_HEADER, NOT_STARTED_HEADER } from '../wire/deadline-header';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_HEADER } from '../wire/internal-route';
import { endpointOf } from './http1-pool';
import { MIN_CALL_MS, noTimeLeft, timeLeft } from './deadline';
import { DEFAULT_CONNECT_TIMEOUT_S, limitConnect, probeConnect } from './reachability';
import { connectionFailure, FailedAttempt, statusFailure, withRetries, type RetryContext } from './retry-policy';
import { unreachable } from './unreachable';

/** Largest single value a stream may carry (the same bound as a whole internal result). */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

/** Where and how one service's streaming calls go. */
export interface StreamTarget {
  name: string;
  address: string;
  token?: string;
  /** Keep-alive connections for streams: a stream holds its connection for as long as it runs. */
  agent: Agent;
  timeoutMs: number;
  /** Over TCP: the most a connect may take, and how often a running stream checks its service's host is there (reachability.ts). */
  connectTimeoutMs?: number;
}

/** A keep-alive agent for streaming calls to one service. */
export function streamAgent(): Agent {
  return new Agent({ keepAlive: true });
}

function bodyText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

function responseOf(req: ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
}

/** Only a failure proven to come before the callee's method ran is tried again: values may have been made. */
function onlyIfSafe(failure: FailedAttempt): Error {
  return failure.safety === 'safe' ? failure : failure.error;
}

/**
 * One streaming request and what watches it: its deadline timer, the reachability watchdog, the
 * caller's abort signal. `close()` stops the watching; `req.destroy()` the request.
 */
class StreamRequest {
  readonly req: ClientRequest;
  timedOut = false;
  /** Whether its connection was ever made: one that never was cannot have reached the callee. */
  private connected = false;
  private readonly timer: NodeJS.Timeout;
  private readonly watchdog?: NodeJS.Timeout;
  private readonly onAbort = () => this.req.destroy();

  constructor(
    target: StreamTarget,
    method: string,
    headers: Record<string, string | number>,
    readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    const { endpoint } = endpointOf(target.address);
    this.req = request({ ...endpoint, method: 'POST', path: INTERNAL_ROUTE_PREFIX + method, headers, agent: target.agent });
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.req.destroy();
    }, timeoutMs);
    // As for plain calls (Http1Pool): a silent host fails the stream as unavailable within seconds,
    // not at its deadline. Each stream probes on its own: streams are few and long.
    const connectTimeoutMs = target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_S * 1000;
    this.req.once('socket', (socket) => {
      if (!socket.connecting) return void (this.connected = true);
      socket.once('connect', () => (this.connected = true));
      if ('host' in endpoint) limitConnect(socket, connectTimeoutMs);
    });
    if ('host' in endpoint) {
      this.watchdog = setInterval(() => {
        probeConnect(endpoint.host, endpoint.port, connectTimeoutMs).catch((error: Error) => this.req.destroy(error));
      }, connectTimeoutMs);
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A failure of the connection, marked `notSent` when it never connected (see retry-policy.ts). */
  connectionError(error: unknown): unknown {
    return typeof error === 'object' && error !== null ? Object.assign(error, { notSent: !this.connected }) : error;
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/**
 * Sends the streaming request and resolves once its answer is a stream. A failure the callee
 * provably never started on (no connection, a "not started" 503 or 429) is a `FailedAttempt` for
 * `withRetries`; anything else is final: a stream is retried only before its first value.
 */
async function openStream(target: StreamTarget, method: string, encoded: EncodedFrames, context: RetryContext, signal: AbortSignal | undefined, propagation: Record<string, string>): Promise<{ call: StreamRequest; res: IncomingMessage }> {
  const { name, address } = target;
  const left = timeLeft(context.deadline);
  if (left < MIN_CALL_MS) throw noTimeLeft(name, method);
  const headers: Record<string, string | number> = { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, accept: FRAMES_STREAM_CONTENT_TYPE, ...propagation };
  if (target.token) headers[INTERNAL_TOKEN_HEADER] = target.token;
  if (left !== Infinity) headers[DEADLINE_HEADER] = Math.floor(left);
  const call = new StreamRequest(target, method, headers, Math.min(target.timeoutMs, Math.ceil(left)), signal);
  try {
    writeFrames(call.req, encoded);
    call.req.end();
    const res = await responseOf(call.req);
    if (res.statusCode !== 200) {
      const status = res.statusCode ?? 502;
      const error = remoteErrorFrom({
        status,
        text: await bodyText(res),
        url: address,
        requestId: res.headers['x-request-id'] as string | undefined,
        service: (res.headers[ERROR_SERVICE_HEADER] as string | undefined) ?? name,
        fallbackMessage: `Service ${name} answered HTTP ${status}`,
        notStarted: res.headers[NOT_STARTED_HEADER] === '1',
      });
      throw onlyIfSafe(statusFailure(error));
    }
    if (res.headers['content-type'] !== FRAMES_STREAM_CONTENT_TYPE) {
      throw new ServiceUnavailableError(`Service ${name} did not stream ${method} (content type ${String(res.headers['content-type'])})`, { service: name });
    }
    return { call, res };
  } catch (error) {
    call.close();
    call.req.destroy();
    if (signal?.aborted) throw signal.reason;
    if (call.timedOut) throw timedOutError(target, method, call);
    if (error instanceof FailedAttempt || error instanceof RemoteError || error instanceof ServiceUnavailableError) throw error;
    throw onlyIfSafe(connectionFailure(unreachable(name, address, error), call.connectionError(error)));
  }
}

function timedOutError(target: StreamTarget, method: string, call: StreamRequest): TimeoutError {
  const within = call.timeoutMs < target.timeoutMs ? `the request's deadline (${call.timeoutMs / 1000}s left)` : `${target.timeoutMs / 1000}s`;
  return new TimeoutError(`Service ${target.name} did not finish streaming ${method} within ${within}`, { service: target.name });
}

/**
 * Calls a streaming API of another service over its internal route and yields its values as the
 * frames-stream records arrive (tensors as views of each record's own buffer). Node's HTTP client
 * rather than the pool of plain calls: a stream has no Content-Length and holds its connection for
 * minutes, where the pool is built for short exchanges. Leaving the loop early, aborting
 * `options.signal` or the call's deadline destroys the request: the callee sees its client go
 * away and closes its generator. Opening the stream is retried as `retry` allows, only while the
 * callee provably never started the method (see openStream). `propagation`: the request id and
 * `traceparent` it carries (see propagation.ts).
 */
export async function* remoteStream(
  target: StreamTarget,
  method: string,
  input: unknown,
  options: CallOptions | undefined,
  retry: RetryContext,
  propagation: Record<string, string> = {},
): AsyncGenerator<unknown, unknown, undefined> {
  const { name, address } = target;
  const signal = options?.signal;
  const encoded = encodeFrames({ input });
  const { call, res } = await withRetries(retry, () => openStream(target, method, encoded, retry, signal, propagation));
  const reader = new StreamRecordReader(MAX_RECORD_BYTES);
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      for (const record of reader.push(chunk)) {
        if (record.kind === 'error') throw errorOf(record.payload, target);
        const { result } = decodeFrames(record.payload) as { result: unknown };
        if (record.kind === 'end') return result;
        yield result;
      }
    }
    throw new ServiceUnavailableError(`Service ${name} cut its stream of ${method} off before its end`, { service: name });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (call.timedOut) throw timedOutError(target, method, call);
    if (error instanceof RemoteError || error instanceof ServiceUnavailableError) throw error;
    throw unreachable(name, address, error);
  } finally {
    call.close();
    // Left early (break, an error in the caller's loop): close the connection so the callee stops.
    if (!reader.complete) call.req.destroy();
  }
}

function errorOf(payload: Buffer, target: StreamTarget): Error {
  let parsed: Partial<StreamErrorPayload> = {};
  try {
    parsed = JSON.parse(payload.toString('utf8')) as StreamErrorPayload;
  } catch {
    // Unreadable: the fallback message below.
  }
  return remoteErrorFrom({
    status: typeof parsed.status === 'number' ? parsed.status : 500,
    text: JSON.stringify(parsed.body ?? null),
    url: target.address,
    service: parsed.service ?? target.name,
    fallbackMessage: `Service ${target.name} failed mid-stream`,
  });
}
