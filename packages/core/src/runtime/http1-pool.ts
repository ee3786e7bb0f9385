import { connect, type Socket } from 'node:net';

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
const MAX_HEAD_BYTES = 64 * 1024;

/** One request in flight on one socket: collects the response, resolves when it is complete. */
class Exchange {
  private head: Buffer = Buffer.alloc(0);
  private response?: Http1Response;
  private filled = 0;
  received = false;

  constructor(
    private readonly maxBodyBytes: number,
    readonly resolve: (response: Http1Response) => void,
    readonly reject: (error: Error) => void,
  ) {}

  /** Feeds bytes; returns true when the response is complete. */
  feed(chunk: Buffer): boolean {
    this.received = true;
    let data = chunk;
    if (!this.response) {
      this.head = this.head.length ? Buffer.concat([this.head, data]) : data;
      const end = this.head.indexOf(HEADER_END);
      if (end === -1) {
        if (this.head.length > MAX_HEAD_BYTES) throw new Error('response head too large');
        return false;
      }
      this.response = parseHead(this.head.subarray(0, end).toString('latin1'), this.maxBodyBytes);
      data = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
    }
    const body = this.response.body;
    if (this.filled + data.length > body.length) throw new Error('response longer than its Content-Length');
    data.copy(body, this.filled);
    this.filled += data.length;
    return this.filled === body.length;
  }

  get result(): Http1Response {
    return this.response!;
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

/**
 * A keep-alive pool of HTTP/1.1 connections to one service, for internal calls only. Node's
 * `http.request` costs tens of microseconds per call in objects and events; calls between
 * services are the hot path of a pipeline and talk only to Bento servers, which always answer
 * with a Content-Length, so a small client that writes the head and frames in one corked batch
 * and reads the body straight into one aligned buffer is enough.
 */
export class Http1Pool {
  private readonly idle: Socket[] = [];
  private readonly exchanges = new WeakMap<Socket, Exchange>();

  constructor(
    private readonly endpoint: Endpoint,
    private readonly hostHeader: string,
    private readonly maxBodyBytes: number,
  ) {}

  /** Sends one POST and resolves with the complete response. Retries once on a stale idle connection. */
  async post(path: string, headers: Record<string, string | number>, chunks: readonly Uint8Array[], timeoutMs: number): Promise<Http1Response> {
    const reused = this.idle.pop();
    try {
      return await this.exchange(reused ?? this.open(), path, headers, chunks, timeoutMs);
    } catch (error) {
      // A kept-alive connection the server closed meanwhile fails before any byte comes back.
      if (reused && (error as { staleConnection?: boolean }).staleConnection) return this.exchange(this.open(), path, headers, chunks, timeoutMs);
      throw error;
    }
  }

  private open(): Socket {
    const socket = 'socketPath' in this.endpoint ? connect({ path: this.endpoint.socketPath }) : connect({ host: this.endpoint.host, port: this.endpoint.port });
    if ('host' in this.endpoint) socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error) => this.onEnd(socket, error));
    socket.on('close', () => this.onEnd(socket, new Error('connection closed before the response was complete')));
    return socket;
  }

  private exchange(socket: Socket, path: string, headers: Record<string, string | number>, chunks: readonly Uint8Array[], timeoutMs: number): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`no response within ${timeoutMs} ms`), { timedOut: true }));
      }, timeoutMs);
      const exchange = new Exchange(
        this.maxBodyBytes,
        (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
      this.exchanges.set(socket, exchange);
      socket.ref();
      let head = `POST ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nconnection: keep-alive\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      socket.cork();
      socket.write(head + '\r\n');
      for (const chunk of chunks) socket.write(chunk);
      socket.uncork();
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    const exchange = this.exchanges.get(socket);
    if (!exchange) {
      socket.destroy(); // bytes nobody asked for: the connection is not trustworthy
      return;
    }
    let complete: boolean;
    try {
      complete = exchange.feed(chunk);
    } catch (error) {
      this.exchanges.delete(socket);
      socket.destroy();
      return exchange.reject(error as Error);
    }
    if (!complete) return;
    this.exchanges.delete(socket);
    const response = exchange.result;
    if (response.headers.connection === 'close') socket.destroy();
    else {
      // Idle connections must not keep the process alive.
      socket.unref();
      this.idle.push(socket);
    }
    exchange.resolve(response);
  }

  private onEnd(socket: Socket, error: Error): void {
    const at = this.idle.indexOf(socket);
    if (at !== -1) this.idle.splice(at, 1);
    const exchange = this.exchanges.get(socket);
    if (!exchange) return;
    this.exchanges.delete(socket);
    exchange.reject(Object.assign(error, { staleConnection: !exchange.received }));
  }

  /** Closes every idle connection. */
  close(): void {
    for (const socket of this.idle.splice(0)) socket.destroy();
  }
}
