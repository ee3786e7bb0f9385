import { Toolbox } from './fixtures/toolbox';
import { postJson, serveForTest } from './helpers/server';

describe('ctx.response.headers', () => {
  let running: Awaited<ReturnType<typeof serveForTest>>;
  beforeAll(async () => {
    running = await serveForTest(Toolbox);
  });
  afterAll(() => running.close());

  it("sends what the method added with its answer, beside the server's own headers", async () => {
    const { status, headers, json } = await postJson(`${running.url}/tagged`, { tag: 'seed-42' });
    expect(status).toBe(200);
    expect(json).toEqual({ tagged: true });
    expect(headers.get('x-tag')).toBe('seed-42');
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('x-request-id')).toBeTruthy();
  });

  it('adds nothing to an answer whose method added nothing', async () => {
    const { headers } = await postJson(`${running.url}/shout`, { text: 'x' });
    expect(headers.get('x-tag')).toBeNull();
  });
});
