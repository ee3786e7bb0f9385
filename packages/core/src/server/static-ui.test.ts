// A service's web page (`ui` option), served for real on an ephemeral port: files with their
// types and caching headers, the security headers on every page response, no way out of the
// folder, and the framework's own routes untouched.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from './logger';
import { z } from 'zod';
import { api } from '../sdk/api';
import { service } from '../sdk/service';
import { ServiceServer } from './create-server';
import { UI_SECURITY_HEADERS } from './static-ui';

const quiet = () => createLogger('test', { level: 'silent' });

const SECURITY_HEADERS = {
  'content-security-policy': expect.stringMatching(/^default-src 'self'; img-src 'self' data: blob:;.*frame-ancestors 'none'$/),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** GETs (or HEADs) a path exactly as written: fetch would resolve `..` and `%2e%2e` before sending. */
function raw(url: string, rawPath: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a service with a web page (ui)', () => {
  let dir: string;
  let web: string;
  let server: ServiceServer;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bento-ui-'));
    web = path.join(dir, 'web');
    mkdirSync(path.join(web, 'sub'), { recursive: true });
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>page</title><script src="app.js"></script>');
    writeFileSync(path.join(web, 'app.js'), 'console.log(1);');
    writeFileSync(path.join(web, 'style.css'), 'body{}');
    writeFileSync(path.join(web, 'data.bin'), 'xx');
    writeFileSync(path.join(web, 'sub', 'index.html'), 'sub page');
    writeFileSync(path.join(web, '.env'), 'SECRET=web');
    // Files named like the framework's routes, which must stay the framework's.
    writeFileSync(path.join(web, 'livez'), 'page livez');
    writeFileSync(path.join(web, 'echo'), 'page echo');
    writeFileSync(path.join(dir, 'secret.txt'), 'SECRET=outside');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(web, 'leak.txt'));
    symlinkSync(dir, path.join(web, 'up'));
    symlinkSync(path.join(web, 'app.js'), path.join(web, 'alias.js'));

    @service({ name: 'WithPage', ui: web })
    class WithPage {
      @api({ input: z.object({ text: z.string() }) })
      async echo({ text }: { text: string }) {
        return { text };
      }
    }
    server = new ServiceServer(WithPage, { logger: quiet() });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / with index.html, its type, caching validators and the security headers', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>page</title>');
    const headers = Object.fromEntries(response.headers);
    expect(headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    expect(headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(Date.parse(headers['last-modified']!)).not.toBeNaN();
    expect(headers['x-request-id']).toBeDefined();
  });

  it.each([
    ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
    ['/style.css', 'text/css; charset=utf-8', 'body{}'],
    ['/data.bin', 'application/octet-stream', 'xx'],
    ['/sub/', 'text/html; charset=utf-8', 'sub page'],
    ['/index.html?v=2', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/alias.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
  ])('serves %s as %s', async (file, type, start) => {
    const response = await fetch(url + file);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(await response.text()).toMatch(new RegExp(`^${start.replace(/[.()?]/g, '\\$&')}`));
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await raw(url, '/app.js', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String('console.log(1);'.length));
    expect(response.headers).toMatchObject(SECURITY_HEADERS);
    expect(response.body).toBe('');
  });

  it('answers 304 to a matching If-None-Match or a later If-Modified-Since, with the security headers', async () => {
    const first = await fetch(`${url}/app.js`);
    const etag = first.headers.get('etag')!;
    const byTag = await raw(url, '/app.js', 'GET', { 'if-none-match': `"other", ${etag}` });
    expect(byTag.status).toBe(304);
    expect(byTag.body).toBe('');
    expect(byTag.headers).toMatchObject({ etag, ...SECURITY_HEADERS });
    const byDate = await raw(url, '/app.js', 'GET', { 'if-modified-since': first.headers.get('last-modified')! });
    expect(byDate.status).toBe(304);
    expect((await raw(url, '/app.js', 'GET', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await raw(url, '/app.js', 'GET', { 'if-modified-since': new Date(0).toUTCString() })).status).toBe(200);
  });

  it('answers a missing file with the usual JSON 404, with the security headers', async () => {
    const response = await fetch(`${url}/missing.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.fromEntries(response.headers)).toMatchObject(SECURITY_HEADERS);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /missing.js', details: { method: 'GET', path: '/missing.js' } } });
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/sub/../../secret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/.env',
    '/%2eenv',
    '/leak.txt',
    '/up/secret.txt',
    '/sub',
    '//etc/passwd',
    '/%00',
    '/%E0%A4%A',
  ])('never serves what is outside the folder, hidden or not a file: %s is a 404', async (rawPath) => {
    const response = await raw(url, rawPath);
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ error: expect.objectContaining({ code: 'not_found' }) });
    expect(response.body).not.toContain('SECRET');
  });

  it('leaves the API and the built-in routes as they are', async () => {
    const echo = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(await echo.json()).toEqual({ text: 'hi' });
    expect(echo.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${url}/echo`)).status).toBe(405);
    expect(await (await fetch(`${url}/livez`)).text()).toBe('ok');
    expect((await fetch(`${url}/docs.json`)).headers.get('content-type')).toMatch(/^application\/json/);
    expect(await (await fetch(`${url}/docs`)).text()).toContain('swagger-ui');
    expect((await fetch(`${url}/docs/assets/swagger-ui.css`)).status).toBe(200);
    // /docs/… is the API docs' (with its own policy), never the page's.
    const nope = await fetch(`${url}/docs/nope.js`);
    expect(nope.status).toBe(404);
    expect(nope.headers.get('content-security-policy')).not.toBe(UI_SECURITY_HEADERS['content-security-policy']);
    expect((await fetch(`${url}/_bento/call/echo`)).status).toBe(404);
    // Other methods than GET and HEAD are not the page's.
    expect((await fetch(`${url}/`, { method: 'POST' })).status).toBe(404);
  });

  it('counts the page under one endpoint label, "/"', async () => {
    await fetch(`${url}/style.css`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/bento_service_request_total\{endpoint="\/",service_name="WithPage",http_response_code="200"\} \d+/);
    expect(metrics).not.toMatch(/endpoint="\/style\.css"/);
  });
});

describe('the ui option', () => {
  it('is refused when relative, naming the option', () => {
    expect(() => {
      @service({ name: 'Relative', ui: 'web' })
      class Relative {}
      return Relative;
    }).toThrow(/Invalid options for service Relative: ui: an absolute folder path/);
  });

  it('stops the server from being made when the folder is missing', () => {
    @service({ name: 'NoFolder', ui: path.join(tmpdir(), 'bento-ui-missing-folder') })
    class NoFolder {}
    expect(() => new ServiceServer(NoFolder, { logger: quiet() })).toThrow(/Service NoFolder: the ui folder .*bento-ui-missing-folder does not exist/);
  });

  it('leaves / a 404 without it', async () => {
    @service({ name: 'NoPage' })
    class NoPage {}
    const server = new ServiceServer(NoPage, { logger: quiet() });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /', details: { method: 'GET', path: '/' } } });
      expect(response.headers.get('content-security-policy')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
