import { Entry, Shared } from './fixtures/pipeline';
import { postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('depends() with every dependency in-process', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Entry);
  });
  afterAll(() => running.close());

  it('answers through a diamond, the shared service constructed once for serving', async () => {
    const before = Shared.instances;
    const { status, json } = await postJson(`${running.url}/both`, { text: 'Hi' });
    expect(status).toBe(200);
    expect(json).toEqual({ loud: 'HIHI!', quiet: 'hihihi…' });
    await postJson(`${running.url}/both`, { text: 'again' });
    expect(Shared.instances - before).toBe(1);
  });

  it('turns a callee validation error into a 400 naming the path', async () => {
    const { status, json } = await postJson(`${running.url}/invalid`, { n: 0 });
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: 'validation_error', details: [{ path: 'times' }] } });
  });
});
