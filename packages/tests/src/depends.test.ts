import { buildServiceGraph, createClient, TimeoutError } from '@bento/core';
import { Forwarder, holds } from './fixtures/calls';
import { Entry, Shared } from './fixtures/pipeline';
import { postJson, serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('depends() with every dependency in-process', () => {
  let running: Running;
  let before: number;
  beforeAll(async () => {
    // Collecting the graph constructs each class once to see its depends() fields.
    buildServiceGraph(Entry);
    before = Shared.instances;
    running = await serveForTest(Entry);
  });
  afterAll(() => running.close());

  it('answers through a diamond, the shared service constructed once for serving, before the first call', async () => {
    expect(Shared.instances - before).toBe(1);
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

describe('depends() call options, in-process', () => {
  let forwarder: Running;
  beforeAll(async () => {
    forwarder = await serveForTest(Forwarder);
  });
  afterAll(() => forwarder.close());

  it("cancels the dependency's work with the request's signal when the request is abandoned", async () => {
    const { started, aborted } = holds;
    const client = createClient<typeof Forwarder>(forwarder.url);
    const error = await client.forward({ ms: 30_000 }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // The in-process Calls.hold got Forwarder's request signal as its ctx.signal.
    await until(() => holds.aborted > aborted, 'Calls.hold to see its ctx.signal abort');
    expect(holds.started).toBe(started + 1);
  });
});
