import { randomBytes } from 'node:crypto';
import { createClient, RemoteError, TimeoutError } from '@bento/core';
import { counted, Counter, Relay } from './fixtures/streams';
import { validateOpenApi } from './helpers/openapi';
import { serveForTest } from './helpers/server';
import { until } from './helpers/wait';

type Running = Awaited<ReturnType<typeof serveForTest>>;

interface RawEvent {
  event?: string;
  id?: string;
  data: string;
}

/** The events of a whole text/event-stream body, parsed by hand (independent of the client's parser). */
function eventsOf(text: string): RawEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const event: RawEvent = { data: '' };
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        if (field === 'event') event.event = rest.join(': ');
        if (field === 'id') event.id = rest.join(': ');
        if (field === 'data') event.data = rest.join(': ');
      }
      return event;
    });
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of stream) values.push(value);
  return values;
}

describe('streaming APIs over HTTP (server-sent events)', () => {
  let counter: Running;
  beforeAll(async () => {
    counter = await serveForTest(Counter);
  });
  afterAll(() => counter.close());

  it('sends one event per yielded value, then the return value as the result event', async () => {
    const response = await post(`${counter.url}/count`, { n: 3 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    // What the method set before its first value travels in the head.
    expect(response.headers.get('x-counting')).toBe('3');
    expect(eventsOf(await response.text())).toEqual([
      { id: '0', data: '{"i":0}' },
      { id: '1', data: '{"i":1}' },
      { id: '2', data: '{"i":2}' },
      { event: 'result', data: '{"total":3}' },
    ]);
  });

  it('answers a failure before the first value as a plain error with its status', async () => {
    const response = await post(`${counter.url}/count`, { n: -1 });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({ error: { code: 'validation_error', message: 'n must not be negative, got -1' } });
    const invalid = await post(`${counter.url}/count`, { n: 'three' });
    expect(invalid.status).toBe(400);
  });

  it('ends a stream that fails midway with an error event (internals hidden) and keeps serving', async () => {
    const response = await post(`${counter.url}/count`, { n: 5, failAt: 2 });
    expect(response.status).toBe(200);
    const events = eventsOf(await response.text());
    expect(events.slice(0, 2).map((e) => e.data)).toEqual(['{"i":0}', '{"i":1}']);
    expect(events).toHaveLength(3);
    expect(events[2]!.event).toBe('error');
    const error = JSON.parse(events[2]!.data) as { status: number; error: { code: string; message: string } };
    expect(error).toMatchObject({ status: 500, error: { code: 'internal_error', message: 'Internal server error' } });
    expect(JSON.stringify(error)).not.toContain('counter broke');
    expect((await post(`${counter.url}/count`, { n: 1 })).status).toBe(200);
  });

  it('checks each value against the output schema: a bad one ends the stream with a 500 error event', async () => {
    const events = eventsOf(await (await post(`${counter.url}/broken`, {})).text());
    expect(events[0]).toEqual({ id: '0', data: '{"i":1}' });
    expect(events[1]!.event).toBe('error');
    expect(JSON.parse(events[1]!.data)).toMatchObject({ status: 500 });
  });

  it('streams a sync generator too, and ends the stream with a 504 event at traffic.timeout, closing the generator', async () => {
    expect(eventsOf(await (await post(`${counter.url}/letters`, {})).text()).map((e) => e.data)).toEqual(['"a"', '"b"', 'null']);
    const closed = counted.closedEarly;
    // 100 values 50 ms apart: longer than Counter's 2 s timeout.
    const events = eventsOf(await (await post(`${counter.url}/count`, { n: 100, ms: 50 })).text());
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ status: 504, error: { code: 'timeout' } });
    await until(() => counted.closedEarly > closed, 'the timed-out generator to be closed');
    expect(counted.closeReasons.at(-1)).toContain('traffic.timeout');
  });

  it('is iterated by the typed client, whose errors keep their status', async () => {
    const client = createClient<typeof Counter>(counter.url);
    const values: Array<{ i: number }> = await collect(client.count({ n: 4 }));
    expect(values).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    const early = await collect(client.count({ n: -1 })).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(RemoteError);
    expect(early).toMatchObject({ status: 400, code: 'validation_error' });
    const midway = await collect(client.count({ n: 3, failAt: 1 })).catch((e: unknown) => e);
    expect(midway).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('starts a stream only when iterated: a stream kept for later is not called as a plain API meanwhile', async () => {
    const client = createClient<typeof Counter>(counter.url);
    await collect(client.count({ n: 1 })); // the client has discovered the routes
    const calls = () => counter.logs().filter((line) => line.path === '/count').length;
    const before = calls();
    const stream = client.count({ n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls()).toBe(before);
    expect(await collect(stream)).toEqual([{ i: 0 }, { i: 1 }]);
    await until(() => calls() === before + 1, 'the access line of the one request');
  });

  it('stops the generator when the client leaves the loop early', async () => {
    const client = createClient<typeof Counter>(counter.url);
    const closed = counted.closedEarly;
    const seen: number[] = [];
    for await (const { i } of client.count({ n: 10_000, ms: 5 })) {
      seen.push(i);
      if (i === 2) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    await until(() => counted.closedEarly > closed, 'the generator to see its client leave');
    expect(counted.closeReasons.at(-1)).toBe('client closed the connection');
    // Logged as nginx's 499 (client closed request), not as a failure of the service.
    await until(() => counter.logs().some((line) => line.path === '/count' && line.status === 499), 'the 499 access log line');
    expect(counter.logs().filter((line) => line.level === 'error')).toEqual([]);
  });

  it('gives up a client stream at its timeoutMs with a TimeoutError', async () => {
    const client = createClient<typeof Counter>(counter.url);
    const error = await collect(client.count({ n: 1000, ms: 20 }, { timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('documents streaming APIs in OpenAPI as text/event-stream', async () => {
    const document = (await (await fetch(`${counter.url}/docs.json`)).json()) as { paths: Record<string, { post: Record<string, any> }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const count = document.paths['/count']!.post;
    expect(count['x-bento-streaming']).toBe(true);
    const content = count.responses['200'].content['text/event-stream'];
    expect(content['x-bento-item-schema']).toMatchObject({ type: 'object', properties: { i: { type: 'number' } } });
    expect(validateOpenApi(document).valid).toBe(true);
  });
});

describe('streaming through depends()', () => {
  describe('to a service served by another server (frames on the internal route)', () => {
    let counter: Running;
    let relay: Running;
    const token = randomBytes(16).toString('hex');
    beforeAll(async () => {
      counter = await serveForTest(Counter, { internalToken: token });
      relay = await serveForTest(Relay, { internalToken: token, serviceMap: { Counter: counter.url } });
    });
    afterAll(async () => {
      await relay?.close();
      await counter?.close();
    });

    it('passes every value through as the callee yields it', async () => {
      const client = createClient<typeof Relay>(relay.url);
      expect(await collect(client.relay({ n: 3 }))).toEqual([
        { i: 0, via: 'relay' },
        { i: 1, via: 'relay' },
        { i: 2, via: 'relay' },
      ]);
    });

    it('streams tensors as binary frames', async () => {
      const client = createClient<typeof Relay>(relay.url);
      const sums = await collect(client.sums({ n: 4 }));
      expect(sums).toEqual([
        { k: 1, dtype: 'float32', sum: 0 },
        { k: 2, dtype: 'float32', sum: 0.5 },
        { k: 3, dtype: 'float32', sum: 1.5 },
        { k: 4, dtype: 'float32', sum: 3 },
      ]);
    });

    it("carries the callee's errors, before and during the stream, with their status", async () => {
      const client = createClient<typeof Relay>(relay.url);
      const early = await collect(client.relay({ n: -1 })).catch((e: unknown) => e);
      expect(early).toMatchObject({ status: 400, code: 'validation_error' });
      const midway = await collect(client.relay({ n: 3, failAt: 1 })).catch((e: unknown) => e);
      expect(midway).toMatchObject({ status: 500, code: 'internal_error' });
    });

    it('cancels the whole chain when the client disconnects: the callee stops counting', async () => {
      const closed = counted.closedEarly;
      const controller = new AbortController();
      const response = await fetch(`${relay.url}/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 10_000, ms: 5 }), signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await until(() => counted.closedEarly > closed, "Counter's generator to be closed from two hops away");
      // Closed because Relay's connection went away, not by Counter's own 2 s timeout.
      expect(counted.closeReasons.at(-1)).toBe('client closed the connection');
    });
  });

  describe('to a service in the same process (development mode)', () => {
    let relay: Running;
    beforeAll(async () => {
      relay = await serveForTest(Relay);
    });
    afterAll(() => relay.close());

    it('gives the same values, and the callee is closed when the client leaves', async () => {
      const client = createClient<typeof Relay>(relay.url);
      expect(await collect(client.relay({ n: 2 }))).toEqual([
        { i: 0, via: 'relay' },
        { i: 1, via: 'relay' },
      ]);
      expect(await collect(client.sums({ n: 2 }))).toEqual([
        { k: 1, dtype: 'float32', sum: 0 },
        { k: 2, dtype: 'float32', sum: 0.5 },
      ]);
      const closed = counted.closedEarly;
      for await (const { i } of client.relay({ n: 10_000, ms: 5 })) if (i === 1) break;
      await until(() => counted.closedEarly > closed, 'the in-process generator to be closed');
      // In-process, the callee's ctx.signal is the caller's: aborted when Relay's client left.
      expect(counted.closeReasons.at(-1)).toBe('client closed the connection');
    });
  });
});
