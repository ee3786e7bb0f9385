import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Http1Pool } from './http1-pool';

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe('Http1Pool', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('posts a body in chunks, reuses the connection, and reads the body into an aligned buffer', async () => {
    const ports = new Set<number>();
    const { server, port } = await listen((req, res) => {
      ports.add(req.socket.remotePort!);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(201, { 'content-length': body.length, 'x-echo': req.headers['x-test'] as string });
        res.end(body);
      });
    });
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, `127.0.0.1:${port}`, 1 << 20);
    for (let i = 0; i < 3; i++) {
      const chunks = [Buffer.from('hello '), Buffer.from(`world ${i}`)];
      const response = await pool.post('/echo', { 'content-length': 13, 'x-test': 'yes' }, chunks, 2000);
      expect(response.status).toBe(201);
      expect(response.headers['x-echo']).toBe('yes');
      expect(response.body.toString()).toBe(`hello world ${i}`);
      expect(response.body.byteOffset).toBe(0);
    }
    expect(ports.size).toBe(1);
    pool.close();
  });

  it('reads a response whose head and body arrive in pieces, and a body of megabytes, byte-exact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const bigServer = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': big.length });
      res.end(big);
    });
    // Raw bytes on the socket: node:http would hold a next request on this connection behind it.
    const { server, port } = await listen((req) => {
      // The head in three writes, the first body bytes with the head's end, the rest later.
      const pieces = ['HTTP/1.1 200 OK\r\ncontent-', 'length: 10\r\nx-a: b\r', '\n\r\n01234', '56789'];
      let i = 0;
      const next = () => {
        req.socket.write(pieces[i]!);
        if (++i < pieces.length) setTimeout(next, 10);
      };
      next();
    });
    servers.push(server, bigServer.server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 8 << 20);
    const pieced = await pool.post('/pieces', { 'content-length': 0 }, [], 2000);
    expect(pieced.headers['x-a']).toBe('b');
    expect(pieced.body.toString()).toBe('0123456789');
    pool.close();
    const bigPool = new Http1Pool({ host: '127.0.0.1', port: bigServer.port }, 'x', 8 << 20);
    const whole = await bigPool.post('/big', { 'content-length': 0 }, [], 5000);
    expect(whole.body.equals(big)).toBe(true);
    bigPool.close();
  });

  it('opens a new connection when the server closed the kept-alive one', async () => {
    const { server, port } = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': 2 });
      res.end('ok');
    });
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024);
    expect((await pool.post('/', { 'content-length': 0 }, [], 2000)).body.toString()).toBe('ok');
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await pool.post('/', { 'content-length': 0 }, [], 2000)).body.toString()).toBe('ok');
    pool.close();
  });

  /**
   * A raw server: the first POST on each connection is answered (keep-alive); what it does with the
   * second is `second`. Counts the POSTs it received.
   */
  async function rawServer(second: (socket: Socket) => void): Promise<{ port: number; posts: () => number; close: () => Promise<void> }> {
    let posts = 0;
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let seen = 0;
      socket.on('data', (chunk: Buffer) => {
        const count = chunk.toString('latin1').split('POST ').length - 1;
        for (let i = 0; i < count; i++) {
          posts++;
          seen++;
          if (seen === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
          else second(socket);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      posts: () => posts,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('never sends a POST again after the server read it and closed the connection (a worker that crashed on it)', async () => {
    const server = await rawServer((socket) => socket.end());
    const pool = new Http1Pool({ host: '127.0.0.1', port: server.port }, 'x', 1024);
    await pool.post('/', { 'content-length': 0 }, [], 2000);
    await expect(pool.post('/', { 'content-length': 0 }, [], 2000)).rejects.toThrow('connection closed before the response was complete');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.posts()).toBe(2);
    pool.close();
    await server.close();
  });

  it('sends a POST again on a fresh connection when the kept-alive one was reset unread (closed before it arrived)', async () => {
    const server = await rawServer((socket) => socket.resetAndDestroy());
    const pool = new Http1Pool({ host: '127.0.0.1', port: server.port }, 'x', 1024);
    await pool.post('/', { 'content-length': 0 }, [], 2000);
    expect((await pool.post('/', { 'content-length': 0 }, [], 2000)).body.toString()).toBe('ok');
    expect(server.posts()).toBe(3);
    pool.close();
    await server.close();
  });

  it('refuses chunked, oversized and too-long responses, and times out', async () => {
    const { server, port } = await listen((req, res) => {
      if (req.url === '/chunked') {
        res.write('a');
        res.end('b');
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-length': 4096 });
        res.end(Buffer.alloc(4096));
      } else if (req.url === '/liar') {
        req.socket.end('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nabc');
      } // '/slow' never answers
    });
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024);
    await expect(pool.post('/chunked', { 'content-length': 0 }, [], 2000)).rejects.toThrow('chunked responses are not expected');
    await expect(pool.post('/big', { 'content-length': 0 }, [], 2000)).rejects.toThrow('over the 1024-byte limit');
    await expect(pool.post('/liar', { 'content-length': 0 }, [], 2000)).rejects.toThrow('longer than its Content-Length');
    await expect(pool.post('/slow', { 'content-length': 0 }, [], 100)).rejects.toMatchObject({ timedOut: true });
    pool.close();
  });

  it('closes the connection and rejects with the reason when the signal aborts', async () => {
    let closedByClient!: () => void;
    const closed = new Promise<void>((resolve) => (closedByClient = resolve));
    let requests = 0;
    const { server, port } = await listen((req) => {
      requests++;
      req.socket.once('close', () => closedByClient()); // never answers
    });
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024);
    const controller = new AbortController();
    const call = pool.post('/hold', { 'content-length': 0 }, [], 10_000, controller.signal);
    while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('caller gone');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await closed;
    await expect(pool.post('/hold', { 'content-length': 0 }, [], 10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(requests).toBe(1);
    pool.close();
  });

  it('fails cleanly when nothing listens', async () => {
    const pool = new Http1Pool({ socketPath: '/nonexistent/bento.sock' }, 'x', 1024);
    await expect(pool.post('/', { 'content-length': 0 }, [], 1000)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
