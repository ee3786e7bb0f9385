import { randomBytes } from 'node:crypto';
import { ConfigError, serve } from '@bento/core';
import { Echo, Relay } from './fixtures/tensor-relay';
import { serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

/** Status and error body of a request to the internal route, the request id left out. */
async function internalCall(url: string, method: string, name: string, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/vnd.bento.frames' };
  if (token) headers['x-bento-internal-token'] = token;
  const response = await fetch(`${url}/_bento/call/${name}`, { method, headers, body: method === 'GET' ? undefined : 'x' });
  return { status: response.status, body: await response.text() };
}

describe('the internal route', () => {
  const token = randomBytes(16).toString('hex');
  let echo: Running;
  beforeAll(async () => {
    echo = await serveForTest(Echo, { internalToken: token });
  });
  afterAll(() => echo.close());

  it('answers the same 401 for every name and method without the token, so API names cannot be probed', async () => {
    const answers = [
      await internalCall(echo.url, 'POST', 'sleep'),
      await internalCall(echo.url, 'POST', 'no-such-api'),
      await internalCall(echo.url, 'GET', 'sleep'),
      await internalCall(echo.url, 'GET', 'no-such-api'),
      await internalCall(echo.url, 'POST', 'sleep', 'a-wrong-token'),
      await internalCall(echo.url, 'POST', 'no-such-api', 'a-wrong-token'),
    ];
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(401);
    expect(JSON.parse(answers[0]!.body)).toEqual({ error: { code: 'unauthorized', message: 'Internal call refused: missing or wrong x-bento-internal-token' } });
  });

  it('tells a caller with the token which names are not APIs and which methods are wrong', async () => {
    expect((await internalCall(echo.url, 'POST', 'no-such-api', token)).status).toBe(404);
    const get = await fetch(`${echo.url}/_bento/call/sleep`, { headers: { 'x-bento-internal-token': token } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('is not served at all on a listener without internal calls (the entry service\'s public port)', async () => {
    const entry = await serveForTest(Relay, { internalToken: token, internalCalls: false, serviceMap: { Echo: echo.url } });
    try {
      const withToken = await internalCall(entry.url, 'POST', 'slow', token);
      const unknownPath = await fetch(`${entry.url}/no/such/path`, { method: 'POST' });
      expect(withToken.status).toBe(404);
      expect(unknownPath.status).toBe(404);
      expect(JSON.parse(withToken.body).error.code).toBe('not_found');
      // Its own dependencies are still called over their internal routes.
      const response = await fetch(`${entry.url}/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":1}' });
      expect(response.status).toBe(200);
    } finally {
      await entry.close();
    }
  });
});

describe('service map addresses', () => {
  it('refuses an https:// address at startup instead of sending the token in plaintext', async () => {
    const started = serve(Relay, { port: 0, host: '127.0.0.1', internalToken: 'x', serviceMap: { Echo: 'https://echo.internal:443' } });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(
      'The serviceMap option is invalid: Echo: https://echo.internal:443 is https://, which internal calls do not support: use http:// on a private network, or put a TLS sidecar in front',
    );
  });
});
