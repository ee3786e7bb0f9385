import { DEFAULT_MAX_JSON_BODY_SIZE } from '@bento/core';
import { Toolbox } from './fixtures/toolbox';
import { expectErrorShape, postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('limits on the public path', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Toolbox);
  });
  afterEach(async () => {
    // Whatever was refused, the server keeps serving.
    expect((await postJson(`${running.url}/shout`, { text: 'still here' })).json).toEqual({ text: 'STILL HERE' });
  });
  afterAll(() => running.close());

  const post = (path: string, body: string | FormData, type?: string) =>
    fetch(`${running.url}${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });

  it('refuses deeply nested JSON before parsing it (16 MiB of "[[[[" held the event loop for seconds)', async () => {
    const response = await post('/shout', '['.repeat(4 * 1024 * 1024), 'application/json');
    expect(response.status).toBe(400);
    const error = expectErrorShape(await response.json(), 'bad_request');
    expect(error.message).toBe('Request body nests JSON deeper than 64 levels');
    expect(error.details).toEqual({ max_depth: 64 });
  });

  it('accepts nesting up to the limit, brackets inside strings not counted', async () => {
    const deepButFine = `{"text":"${'['.repeat(1000)}","pad":${'['.repeat(62)}${']'.repeat(62)}}`;
    const response = await post('/shout', deepButFine, 'application/json');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe('['.repeat(1000));
  });

  it('refuses a deeply nested multipart JSON field, naming it', async () => {
    const form = new FormData();
    form.append('x', '['.repeat(100_000));
    const response = await post('/sum', form);
    expect(response.status).toBe(400);
    const error = expectErrorShape(await response.json(), 'bad_request');
    expect(error.message).toBe('Multipart field "x" nests JSON deeper than 64 levels');
    expect(error.details).toEqual({ max_depth: 64, path: 'x' });
  });

  it('has a smaller limit for JSON bodies than for multipart uploads', async () => {
    const values = new Array(Math.ceil(DEFAULT_MAX_JSON_BODY_SIZE / 2)).fill(0);
    const json = JSON.stringify({ x: values });
    expect(json.length).toBeGreaterThan(DEFAULT_MAX_JSON_BODY_SIZE);
    const refused = await post('/sum', json, 'application/json');
    expect(refused.status).toBe(413);
    expect(expectErrorShape(await refused.json(), 'payload_too_large').details).toEqual({ limit_bytes: DEFAULT_MAX_JSON_BODY_SIZE });

    // The same size as a binary multipart part is fine: its bytes are never parsed.
    const form = new FormData();
    const floats = new Float32Array(json.length / 4 + 1).fill(0.5);
    form.append('x', new Blob([floats], { type: 'application/octet-stream' }), 'x.bin');
    const accepted = await post('/sum', form);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ shape: [floats.length], sum: floats.length / 2 });
  });
});
