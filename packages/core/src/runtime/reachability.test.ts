import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { ServiceUnavailableError } from '../errors';
import { DEFAULT_RETRY_POLICY } from '../sdk/dependency-retry';
import { Http1Pool } from './http1-pool';
import { connectTimeoutMs } from './reachability';
import { remoteStream, streamAgent } from './remote-stream';

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe('BENTO_CONNECT_TIMEOUT', () => {
  it('is 5 s unless set, in seconds when set, and refused when not a positive number', () => {
    expect(connectTimeoutMs(undefined)).toBe(5000);
    expect(connectTimeoutMs('')).toBe(5000);
    expect(connectTimeoutMs('0.25')).toBe(250);
    expect(connectTimeoutMs('12')).toBe(12_000);
    for (const bad of ['0', '-1', 'soon', '1e9']) expect(() => connectTimeoutMs(bad)).toThrow(/BENTO_CONNECT_TIMEOUT/);
  });
});

describe('Http1Pool over TCP when the service cannot be reached', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('lets a slow answer from a reachable service arrive: the checks while waiting pass', async () => {
    const { server, port } = await listen((_req, res) => setTimeout(() => res.end('late'), 600));
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024, 100);
    const response = await pool.post('/slow', { 'content-length': 0 }, [], 30_000);
    expect(response.body.toString()).toBe('late');
    pool.close();
  });

  it('makes one probe per interval for all the calls waiting on a service, not one per call', async () => {
    const { server, port } = await listen((_req, res) => setTimeout(() => res.end('late'), 600));
    servers.push(server);
    let connections = 0;
    server.on('connection', () => connections++);
    // Probes (connections beyond the calls' own) of one waiting call, then of ten at once: shared,
    // ten make about as many as one, where one probe per call and interval would make ten times more.
    const probesOf = async (calls: number) => {
      const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024, 100);
      const before = connections;
      // Started 10 ms apart, so their intervals are out of step and their probes would not overlap.
      const answers = await Promise.all(
        Array.from({ length: calls }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 10));
          return pool.post('/slow', { 'content-length': 0 }, [], 30_000);
        }),
      );
      expect(answers.every((a) => a.body.toString() === 'late')).toBe(true);
      pool.close();
      return connections - before - calls;
    };
    const one = await probesOf(1);
    const ten = await probesOf(10);
    expect(one).toBeGreaterThan(0);
    expect(ten).toBeLessThanOrEqual(3 * one);
  });

  it('fails a call waiting on a kept-alive connection once no new connection can be made, long before its timeout', async () => {
    // The first call is answered; the second is held, and the server stops taking connections:
    // the kept-alive connection stays open but silent, as a host whose link was cut.
    let calls = 0;
    const { server, port } = await listen((_req, res) => {
      if (++calls === 1) res.end('first');
      else server.close();
    });
    servers.push(server);
    const pool = new Http1Pool({ host: '127.0.0.1', port }, '127.0.0.1:' + port, 1024, 100);
    expect((await pool.post('/', { 'content-length': 0 }, [], 60_000)).body.toString()).toBe('first');
    // Jest's own test timeout (5 s) bounds the wait: the call's 60 s would fail the test.
    await expect(pool.post('/', { 'content-length': 0 }, [], 60_000)).rejects.toMatchObject({ code: 'ECONNREFUSED', message: expect.stringContaining(`127.0.0.1:${port} unreachable`) });
    pool.close();
  });

  it('gives up a connect that is never answered after the connect timeout, with ETIMEDOUT', async () => {
    // A listener in a stopped process with a full accept queue: the kernel drops further SYNs, so a
    // connect hangs as to a blackholed host (the OS itself would give up after about two minutes).
    const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',1,()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      process.kill(child.pid!, 'SIGSTOP');
      // Backlog 1 (Node reads 0 as its default, 511) holds two finished handshakes; a third makes sure.
      for (let i = 0; i < 3; i++) fillers.push(connect({ host: '127.0.0.1', port }).on('error', () => {}));
      await new Promise((resolve) => fillers[0]!.once('connect', resolve));
      const pool = new Http1Pool({ host: '127.0.0.1', port }, 'x', 1024, 200);
      await expect(pool.post('/', { 'content-length': 0 }, [], 60_000)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      pool.close();
    } finally {
      for (const socket of fillers) socket.destroy();
      // SIGKILL ends a stopped process too.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('fails a streaming call whose service can no longer be reached as unavailable, long before its deadline', async () => {
    // The stream's request arrives and is never answered; the server stops taking connections.
    // The request reached the service: not tried again, even for an idempotent API.
    const { server, port } = await listen(() => server.close());
    servers.push(server);
    const agent = streamAgent();
    const stream = remoteStream({ name: 'Far', address: `http://127.0.0.1:${port}`, agent, timeoutMs: 600_000, connectTimeoutMs: 100 }, 'tokens', {}, undefined, {
      dependency: 'Far',
      method: 'tokens',
      policy: DEFAULT_RETRY_POLICY,
      idempotent: true,
      deadline: undefined,
    });
    const failure = await stream.next().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect((failure as Error).message).toBe('Service Far is unavailable (ECONNREFUSED)');
    // The address is only in the cause, which the server logs.
    expect(((failure as Error).cause as Error).message).toContain(`Far at http://127.0.0.1:${port}`);
    agent.destroy();
  });
});
