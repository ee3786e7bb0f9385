// API keys on real servers: the keys come from a key file named by BENTO_API_KEYS_FILE (as a
// deployment gives them), requests go over HTTP, and what the service logs is captured, to show a
// key sent with a request never lands in the logs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, createClient, createLogger, depends, RemoteError, serve, service, type ApiContext, type RunningService } from '@bento/core';
import { z } from 'zod';
import { expectErrorShape, postJson } from './helpers/server';

const KEY = randomBytes(24).toString('hex');
const OTHER_KEY = randomBytes(24).toString('hex');
const WRONG_KEY = randomBytes(24).toString('hex');

/** A logger whose every line stays in memory: the service's own format, redaction included. */
function capturedLogger(name: string) {
  const written: string[] = [];
  const logger = createLogger(name, { destination: { write: (line: string) => void written.push(line) } });
  return { logger, text: () => written.join('') };
}

const serviceLog = capturedLogger('Guarded');

@service({ name: 'Guarded' })
class Guarded {
  @api({ input: z.object({ text: z.string() }) })
  async echo({ text }: { text: string }) {
    return { text };
  }

  /** Logs the request's headers, as a careless service might, then fails (the server logs the error). */
  @api()
  async careless(_input: unknown, ctx: ApiContext): Promise<never> {
    serviceLog.logger.info({ headers: ctx.headers }, 'headers of the call');
    throw new Error('careless broke');
  }
}

describe('a service with API keys from BENTO_API_KEYS_FILE', () => {
  let dir: string;
  let running: RunningService;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bento-api-keys-'));
    const file = path.join(dir, 'api-keys');
    writeFileSync(file, `# keys of the test\n${KEY}\n\n${OTHER_KEY}\n`);
    process.env.BENTO_API_KEYS_FILE = file;
    try {
      running = await serve(Guarded, { port: 0, host: '127.0.0.1', logger: serviceLog.logger, drainSeconds: 1 });
    } finally {
      delete process.env.BENTO_API_KEYS_FILE;
    }
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a call without a key 401 with a Bearer challenge naming the service', async () => {
    const answer = await postJson(`${running.url}/echo`, { text: 'hi' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="Guarded"');
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(expectErrorShape(answer.json, 'unauthorized').message).toBe('This API needs an API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
  });

  it('answers a wrong key exactly like a missing one, in either header', async () => {
    const missing = await postJson(`${running.url}/echo`, { text: 'hi' });
    const wrong: Array<Record<string, string>> = [{ authorization: `Bearer ${WRONG_KEY}` }, { 'x-api-key': WRONG_KEY }, { authorization: `Bearer ${KEY.slice(0, -1)}` }, { authorization: `Basic ${KEY}` }];
    for (const headers of wrong) {
      const answer = await postJson(`${running.url}/echo`, { text: 'hi' }, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="Guarded"');
      expect(answer.json).toEqual(missing.json);
    }
  });

  it('runs the call for every key of the file, in either header', async () => {
    const right: Array<Record<string, string>> = [{ authorization: `Bearer ${KEY}` }, { 'x-api-key': KEY }, { authorization: `bearer ${OTHER_KEY}` }, { 'x-api-key': OTHER_KEY }];
    for (const headers of right) {
      const answer = await postJson(`${running.url}/echo`, { text: 'hi' }, headers);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ text: 'hi' });
    }
    // A trailing slash reaches the same route through express: the same guard.
    expect((await postJson(`${running.url}/echo/`, { text: 'hi' })).status).toBe(401);
    expect((await postJson(`${running.url}/echo/`, { text: 'hi' }, { 'x-api-key': KEY })).status).toBe(200);
  });

  it('answers a large upload without a key at once, without reading it, and closes its connection', async () => {
    const { hostname, port } = new URL(running.url);
    // 32 MiB announced, 1 KiB sent: the 401 must come without the rest.
    const answer = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = request({ hostname, port, path: '/echo', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(32 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, connection: res.headers.connection });
        req.destroy();
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024, 0x20));
    });
    expect(answer).toEqual({ status: 401, connection: 'close' });
    // A small body is read and dropped instead: the connection stays for the caller's next try.
    const small = await fetch(`${running.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
    await small.arrayBuffer();
    expect([small.status, small.headers.get('connection')]).toEqual([401, 'keep-alive']);
  });

  it('keeps the probes, /metrics and the API docs open, the docs naming only the schemes', async () => {
    for (const route of ['/livez', '/readyz', '/healthz', '/metrics', '/docs', '/docs.json']) {
      const response = await fetch(running.url + route);
      await response.arrayBuffer();
      expect([route, response.status]).toEqual([route, 200]);
    }
    const text = await (await fetch(`${running.url}/docs.json`)).text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(OTHER_KEY);
    const document = JSON.parse(text);
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    expect(document.paths['/echo'].post.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(document.paths['/echo'].post.responses['401']).toBeDefined();
    expect(document.paths['/livez'].get.security).toBeUndefined();
  });

  it('counts refused calls under their route in /metrics', async () => {
    await postJson(`${running.url}/echo`, { text: 'hi' });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/bento_service_request_total\{endpoint="\/echo",service_name="Guarded",http_response_code="401"\} [1-9]/);
  });

  it('is called by the typed client with its apiKey option; without it the client gets the 401', async () => {
    const client = createClient<typeof Guarded>(running.url, { apiKey: KEY });
    expect(await client.echo({ text: 'typed' })).toEqual({ text: 'typed' });
    const anonymous = createClient<typeof Guarded>(running.url);
    const error = await anonymous.echo({ text: 'typed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('never writes a key sent with a request to the logs, whoever logs the headers', async () => {
    await postJson(`${running.url}/careless`, {}, { authorization: `Bearer ${KEY}` });
    await postJson(`${running.url}/careless`, {}, { 'x-api-key': OTHER_KEY });
    await postJson(`${running.url}/echo`, { text: 'hi' }, { authorization: `Bearer ${WRONG_KEY}` });
    await postJson(`${running.url}/echo`, { text: 'hi' }, { 'x-api-key': WRONG_KEY });
    serviceLog.logger.flush();
    const logged = serviceLog.text();
    // The lines are there (the calls ran, failed and were refused)...
    expect(logged).toContain('headers of the call');
    expect(logged).toContain('careless broke');
    expect(logged).toContain('"status":401');
    expect(logged).toContain('[redacted]');
    // ...and no key is in them, right or wrong.
    for (const key of [KEY, OTHER_KEY, WRONG_KEY]) expect(logged).not.toContain(key);
  });
});

describe('a service given a key file it cannot read', () => {
  it('does not start, and says which file', async () => {
    const missing = path.join(tmpdir(), `bento-no-such-keys-${process.pid}`);
    process.env.BENTO_API_KEYS_FILE = missing;
    try {
      await expect(serve(Guarded, { port: 0, host: '127.0.0.1', logger: createLogger('test', { level: 'silent' }) })).rejects.toThrow(
        `Cannot read the API key file ${missing} (BENTO_API_KEYS_FILE): ENOENT`,
      );
    } finally {
      delete process.env.BENTO_API_KEYS_FILE;
    }
  });
});

@service({ name: 'KeyedDependency' })
class KeyedDependency {
  @api({ input: z.object({ n: z.number() }) })
  async double({ n }: { n: number }) {
    return { n: n * 2 };
  }
}

@service({ name: 'KeyedEntry' })
class KeyedEntry {
  dependency = depends(KeyedDependency);

  @api({ input: z.object({ n: z.number() }) })
  async quadruple({ n }: { n: number }) {
    return this.dependency.double({ n: (await this.dependency.double({ n })).n });
  }
}

describe('API keys in a graph of services (every service given the keys, as bento serve does)', () => {
  const token = randomBytes(16).toString('hex');
  const quiet = () => createLogger('test', { level: 'silent' });
  let dependency: RunningService;
  let entry: RunningService;

  beforeAll(async () => {
    const common = { port: 0, host: '127.0.0.1', apiKeys: [KEY], internalToken: token, drainSeconds: 1 };
    dependency = await serve(KeyedDependency, { ...common, logger: quiet() });
    entry = await serve(KeyedEntry, { ...common, logger: quiet(), serviceMap: { KeyedDependency: dependency.url } });
  });
  afterAll(async () => {
    await entry?.close();
    await dependency?.close();
  });

  it('calls its dependency over the internal route with the graph token, no key needed there', async () => {
    const answer = await postJson(`${entry.url}/quadruple`, { n: 3 }, { 'x-api-key': KEY });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ n: 12 });
  });

  it("keeps the dependency's public route closed without a key", async () => {
    expect((await postJson(`${dependency.url}/double`, { n: 3 })).status).toBe(401);
    expect((await postJson(`${dependency.url}/double`, { n: 3 }, { 'x-api-key': KEY })).status).toBe(200);
  });
});
