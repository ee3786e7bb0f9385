import { connect, type Socket } from 'node:net';
import { DEFAULT_CONNECT_TIMEOUT_S, limitConnect, probeConnect } from './reachability';

/** Where a pool connects: a Unix socket path, or a TCP host and port. */
export type Endpoint = { socketPath: string } | { host: string; port: number };

/** A complete HTTP/1.1 response: status, lower-cased headers, the whole body in one buffer. */
export interface Http1Response {
  status: number;
  headers: Record<string, string>;
  /** Starts at offset 0 of its own ArrayBuffer, so typed views into it are aligned. */
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** Largest response head; also the size of each connection's scratch buffer for heads. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * How a kept-alive connection fails when the server had closed it before our request arrived: its
 * kernel answers the unread bytes with a reset. A server that read the request and then closed
 * (a worker that crashed on it) sends a clean end instead; that request may have been acted on and
 * is never sent again — a POST replayed to a sibling worker could crash it too, or run twice.
 */
const REFUSED_UNREAD = new Set(['ECONNRESET', 'EPIPE']);

/** One request in flight: settles once, clearing its timer. */
interface Pending {
  resolve(response: Http1Response): void;
  reject(error: Error): void;
}

/**
 * One keep-alive connection and the response being read on it. Reads go straight into our own
 * memory (Node's `onread` option): the head into a scratch buffer the connection keeps, the body
 * into the response's own buffer at the position it has reached. A body of megabytes is then
 * written by the kernel where it will be used, with no 64 KiB chunk allocated and copied per read
 * (which, at a tensor per call, kept V8's garbage collector busy).
 */
class Connection {
  readonly socket: Socket;
  private readonly scratch = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private headBytes = 0;
  private response?: Http1Response;
  private filled = 0;
  pending?: Pending;
  /** Whether any byte of the current response arrived (a stale connection fails before that). */
  received = false;
  /** Whether the connection was ever made: a request on one that never was cannot have been read. */
  connected = false;

  constructor(
    endpoint: Endpoint,
    private readonly maxBodyBytes: number,
    private readonly onComplete: (connection: Connection, response: Http1Response) => void,
    private readonly onFailure: (connection: Connection, error: Error) => void,
  ) {
    const onread = { buffer: () => this.nextReadBuffer(), callback: (n: number) => this.onRead(n) };
    this.socket = 'socketPath' in endpoint ? connect({ path: endpoint.socketPath, onread }) : connect({ host: endpoint.host, port: endpoint.port, onread });
    if ('host' in endpoint) this.socket.setNoDelay(true);
    this.socket.once('connect', () => (this.connected = true));
  }

  /** Where the next read lands: never empty, or the read would stall. */
  private nextReadBuffer(): Buffer {
    return this.response ? this.response.body.subarray(this.filled) : this.scratch.subarray(this.headBytes);
  }

  /** Returns true: keep reading (the socket is never paused from here). */
  private onRead(n: number): boolean {
    try {
      this.consume(n);
    } catch (error) {
      this.onFailure(this, error as Error);
    }
    return true;
  }

  private consume(n: number): void {
    if (!this.pending) throw new Error('bytes arrived with no request in flight'); // not trustworthy any more
    this.received = true;
    if (this.response) {
      this.filled += n;
    } else {
      this.headBytes += n;
      const end = this.scratch.subarray(0, this.headBytes).indexOf(HEADER_END);
      if (end === -1) {
        if (this.headBytes === this.scratch.length) throw new Error('response head too large');
        return;
      }
      const response = parseHead(this.scratch.subarray(0, end).toString('latin1'), this.maxBodyBytes);
      const rest = this.scratch.subarray(end + 4, this.headBytes);
      if (rest.length > response.body.length) throw new Error('response longer than its Content-Length');
      this.filled = rest.copy(response.body);
      this.headBytes = 0;
      this.response = response;
    }
    if (this.filled < this.response.body.length) return;
    const response = this.response;
    this.response = undefined;
    this.filled = 0;
    this.onComplete(this, response);
  }

  /** Sends a request; the response (or a failure) settles `pending`. */
  send(head: string, chunks: readonly Uint8Array[], pending: Pending): void {
    this.pending = pending;
    this.received = false;
    this.socket.ref();
    this.socket.cork();
    this.socket.write(head);
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }
}

function parseHead(text: string, maxBodyBytes: number): Http1Response {
  const lines = text.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
  if (!status) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i]!.indexOf(':');
    if (colon > 0) headers[lines[i]!.slice(0, colon).trim().toLowerCase()] = lines[i]!.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding']) throw new Error('chunked responses are not expected on internal calls');
  const length = Number(headers['content-length']);
  if (!Number.isSafeInteger(length) || length < 0) throw new Error('response without a Content-Length');
  if (length > maxBodyBytes) throw new Error(`response of ${length} bytes is over the ${maxBodyBytes}-byte limit`);
  // allocUnsafeSlow: its own ArrayBuffer at offset 0 (aligned views); every byte is written before use.
  return { status, headers, body: Buffer.allocUnsafeSlow(length) };
}

/** Where a service map address points: `unix:///run/x.sock` → socket path; `http://host:port` → host and port. */
export function endpointOf(address: string): { endpoint: Endpoint; host: string } {
  if (address.startsWith('unix://')) return { endpoint: { socketPath: address.slice('unix://'.length) }, host: 'localhost' };
  const url = new URL(address);
  return { endpoint: { host: url.hostname, port: Number(url.port || 80) }, host: url.host };
}

/**
 * A keep-alive pool of HTTP/1.1 connections to one service, for internal calls only. Node's
 * `http.request` costs tens of microseconds per call in objects and events; calls between
 * services are the hot path of a pipeline and talk only to Bento servers, which always answer
 * with a Content-Length, so a small client that writes the head and frames in one corked batch
 * and reads the body straight into one aligned buffer is enough.
 */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  /** The one reachability probe in flight, shared by every call waiting on this service. */
  private probing?: Promise<void>;
  /** When a probe last reached the service: many waiting calls still make one probe per interval. */
  private reachedAt = -Infinity;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly hostHeader: string,
    private readonly maxBodyBytes: number,
    /** Over TCP: the most a connect may take, and how often a waiting call checks the host is there (reachability.ts). */
    readonly connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_S * 1000,
  ) {}

  /**
   * Sends one POST and resolves with the complete response. Retries once on a stale idle connection.
   * Aborting `signal` closes the connection (the server sees the client go away) and rejects.
   */
  post(path: string, headers: Record<string, string | number>, chunks: readonly Uint8Array[], timeoutMs: number, signal?: AbortSignal): Promise<Http1Response> {
    return this.request('POST', path, headers, chunks, timeoutMs, signal);
  }

  /** Sends one GET (a readiness probe) and resolves with the complete response. */
  get(path: string, timeoutMs: number): Promise<Http1Response> {
    return this.request('GET', path, {}, [], timeoutMs);
  }

  private async request(method: 'GET' | 'POST', path: string, headers: Record<string, string | number>, chunks: readonly Uint8Array[], timeoutMs: number, signal?: AbortSignal): Promise<Http1Response> {
    signal?.throwIfAborted();
    const reused = this.idle.pop();
    try {
      return await this.exchange(reused ?? this.open(), method, path, headers, chunks, timeoutMs, signal);
    } catch (error) {
      // Sent again on a fresh connection only when the server cannot have acted on it: a GET (a
      // probe), or a kept-alive connection it had closed before reading the request (see onEnd).
      const replayable = method === 'GET' || (error as { staleConnection?: boolean }).staleConnection;
      if (reused && !signal?.aborted && replayable) {
        return this.exchange(this.open(), method, path, headers, chunks, timeoutMs, signal);
      }
      throw error;
    }
  }

  private open(): Connection {
    const connection = new Connection(
      this.endpoint,
      this.maxBodyBytes,
      (c, response) => this.onComplete(c, response),
      (c, error) => this.onFailure(c, error),
    );
    connection.socket.on('error', (error) => this.onEnd(connection, error));
    connection.socket.on('close', () => this.onEnd(connection, new Error('connection closed before the response was complete')));
    // A Unix socket's peer is on this machine: a connect there fails at once or succeeds.
    if ('host' in this.endpoint) limitConnect(connection.socket, this.connectTimeoutMs);
    return connection;
  }

  /**
   * Resolves when a new connection to the service can be made within the connect timeout. A call
   * on a kept-alive connection to a host that has gone silent would otherwise wait for its whole
   * timeout (minutes): its bytes sit unacknowledged and the OS reports nothing for a quarter hour.
   */
  private reachable(): Promise<void> {
    if (!('host' in this.endpoint)) return Promise.resolve();
    if (performance.now() - this.reachedAt < this.connectTimeoutMs) return Promise.resolve();
    const { host, port } = this.endpoint;
    this.probing ??= probeConnect(host, port, this.connectTimeoutMs)
      .then(() => void (this.reachedAt = performance.now()))
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  private exchange(connection: Connection, method: string, path: string, headers: Record<string, string | number>, chunks: readonly Uint8Array[], timeoutMs: number, signal?: AbortSignal): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      let done = false;
      const settled = () => {
        done = true;
        clearTimeout(timer);
        clearInterval(watchdog);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer = setTimeout(() => {
        settled();
        connection.socket.destroy();
        reject(Object.assign(new Error(`no response within ${timeoutMs} ms`), { timedOut: true }));
      }, timeoutMs);
      // While it waits, the call checks now and then that the service's host can still be reached:
      // when it cannot, the call fails as unavailable (with the probe's code, e.g. ETIMEDOUT or
      // EHOSTUNREACH) instead of waiting out its timeout. Not a stale connection: no retry.
      const watchdog = 'host' in this.endpoint ? setInterval(() => {
        this.reachable().catch((error: NodeJS.ErrnoException) => {
          if (done) return;
          settled();
          connection.socket.destroy();
          reject(Object.assign(new Error(`${this.hostHeader} unreachable: ${error.message}`, { cause: error }), { code: error.code }));
        });
      }, this.connectTimeoutMs) : undefined;
      // Settles first, so the 'close' the destroy causes finds the request already failed.
      const onAbort = () => {
        settled();
        reject(signal!.reason);
        connection.socket.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nconnection: keep-alive\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      connection.send(head + '\r\n', chunks, {
        resolve(response) {
          settled();
          resolve(response);
        },
        reject(error) {
          settled();
          reject(error);
        },
      });
    });
  }

  private onComplete(connection: Connection, response: Http1Response): void {
    const pending = connection.pending!;
    connection.pending = undefined;
    if (response.headers.connection === 'close') connection.socket.destroy();
    else {
      // Idle connections must not keep the process alive.
      connection.socket.unref();
      this.idle.push(connection);
    }
    pending.resolve(response);
  }

  /** A response that cannot be read: the connection is closed, the request fails. */
  private onFailure(connection: Connection, error: Error): void {
    const pending = connection.pending;
    connection.pending = undefined;
    connection.socket.destroy();
    pending?.reject(error);
  }

  private onEnd(connection: Connection, error: Error): void {
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    const pending = connection.pending;
    if (!pending) return;
    connection.pending = undefined;
    // notSent: refused, no such socket, no connection in time: the service never saw the request,
    // which a caller may then send again whatever it does (see retry-policy.ts).
    pending.reject(
      Object.assign(error, { staleConnection: !connection.received && REFUSED_UNREAD.has((error as NodeJS.ErrnoException).code ?? ''), notSent: !connection.connected }),
    );
  }

  /** Closes every idle connection. */
  close(): void {
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
  }
}
