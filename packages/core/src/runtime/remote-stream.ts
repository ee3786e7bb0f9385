import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { remoteErrorFrom } from '../client/remote-error';
import { ERROR_SERVICE_HEADER, RemoteError, ServiceUnavailableError, TimeoutError } from '../errors';
import type { CallOptions } from '../sdk/call-options';
import { decodeFrames, encodeFrames, FRAMES_CONTENT_TYPE, FRAMES_STREAM_CONTENT_TYPE, StreamRecordReader, writeFrames, type StreamErrorPayload } from '../wire';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_HEADER } from '../wire/internal-route';
import { endpointOf } from './http1-pool';
import { DEFAULT_CONNECT_TIMEOUT_S, limitConnect, probeConnect } from './reachability';
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

/**
 * Calls a streaming API of another service over its internal route and yields its values as the
 * frames-stream records arrive (tensors as views of each record's own buffer). Node's HTTP client
 * rather than the pool of plain calls: a stream has no Content-Length and holds its connection for
 * minutes, where the pool is built for short exchanges. Leaving the loop early, aborting
 * `options.signal` or the call's deadline destroys the request: the callee sees its client go
 * away and closes its generator. `propagation`: the request id and `traceparent` it carries (see propagation.ts).
 */
export async function* remoteStream(target: StreamTarget, method: string, input: unknown, options: CallOptions | undefined, propagation: Record<string, string> = {}): AsyncGenerator<unknown, unknown, undefined> {
  const { name, address } = target;
  const { endpoint } = endpointOf(address);
  const encoded = encodeFrames({ input });
  const headers: Record<string, string | number> = { 'content-type': FRAMES_CONTENT_TYPE, 'content-length': encoded.byteLength, accept: FRAMES_STREAM_CONTENT_TYPE, ...propagation };
  if (target.token) headers[INTERNAL_TOKEN_HEADER] = target.token;
  const req = request({ ...endpoint, method: 'POST', path: INTERNAL_ROUTE_PREFIX + method, headers, agent: target.agent });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    req.destroy();
  }, target.timeoutMs);
  // As for plain calls (Http1Pool): a silent host fails the stream as unavailable within seconds,
  // not at its deadline. Each stream probes on its own: streams are few and long.
  const connectTimeoutMs = target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_S * 1000;
  let watchdog: NodeJS.Timeout | undefined;
  if ('host' in endpoint) {
    req.once('socket', (socket) => {
      if (socket.connecting) limitConnect(socket, connectTimeoutMs);
    });
    watchdog = setInterval(() => {
      probeConnect(endpoint.host, endpoint.port, connectTimeoutMs).catch((error: Error) => req.destroy(error));
    }, connectTimeoutMs);
  }
  const signal = options?.signal;
  const onAbort = () => req.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  const reader = new StreamRecordReader(MAX_RECORD_BYTES);
  try {
    writeFrames(req, encoded);
    req.end();
    const res = await responseOf(req);
    if (res.statusCode !== 200) {
      throw remoteErrorFrom({
        status: res.statusCode ?? 502,
        text: await bodyText(res),
        url: address,
        requestId: res.headers['x-request-id'] as string | undefined,
        service: (res.headers[ERROR_SERVICE_HEADER] as string | undefined) ?? name,
        fallbackMessage: `Service ${name} answered HTTP ${res.statusCode}`,
      });
    }
    if (res.headers['content-type'] !== FRAMES_STREAM_CONTENT_TYPE) {
      throw new ServiceUnavailableError(`Service ${name} did not stream ${method} (content type ${String(res.headers['content-type'])})`, { service: name });
    }
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
    if (timedOut) throw new TimeoutError(`Service ${name} did not finish streaming ${method} within ${target.timeoutMs / 1000}s`, { service: name });
    if (error instanceof RemoteError || error instanceof ServiceUnavailableError) throw error;
    throw unreachable(name, address, error);
  } finally {
    clearTimeout(timer);
    clearInterval(watchdog);
    signal?.removeEventListener('abort', onAbort);
    // Left early (break, an error in the caller's loop): close the connection so the callee stops.
    if (!reader.complete) req.destroy();
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
