import sharp from 'sharp';
import { Describe } from './fixtures/describe';
import { Toolbox } from './fixtures/toolbox';
import { makeImage } from './helpers/images';
import { postJson, serveForTest } from './helpers/server';

type Running = Awaited<ReturnType<typeof serveForTest>>;

describe('Describe served for real', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Describe);
  });
  afterAll(() => running.close());

  it.each(['png', 'jpeg'] as const)('reads a multipart %s upload and a JSON params part', async (format) => {
    const form = new FormData();
    form.append('image', new Blob([await makeImage(format, 64, 48)], { type: `image/${format}` }), `photo.${format}`);
    form.append('params', JSON.stringify({ prompt: 'a house' }));
    const response = await fetch(`${running.url}/describe`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ width: 64, height: 48, prompt: 'a house' });
  });

  it('reads a base64 image in JSON', async () => {
    const image = (await makeImage('png', 10, 20)).toString('base64');
    const { status, json } = await postJson(`${running.url}/describe`, { image, params: { prompt: 'b64', num_inference_steps: 10 } });
    expect(status).toBe(200);
    expect(json).toEqual({ width: 10, height: 20, prompt: 'b64' });
  });

  it('reads a data URL image in JSON', async () => {
    const image = `data:image/jpeg;base64,${(await makeImage('jpeg', 33, 17)).toString('base64')}`;
    const { status, json } = await postJson(`${running.url}/describe`, { image, params: { prompt: 'url' } });
    expect(status).toBe(200);
    expect(json).toEqual({ width: 33, height: 17, prompt: 'url' });
  });
});

describe('IO types over HTTP', () => {
  let running: Running;
  beforeAll(async () => {
    running = await serveForTest(Toolbox);
  });
  afterAll(() => running.close());

  it('reads a tensor as nested JSON arrays', async () => {
    const { status, json } = await postJson(`${running.url}/sum`, { x: [[1, 2, 3], [4, 5, 6]] });
    expect(status).toBe(200);
    expect(json).toEqual({ shape: [2, 3], sum: 21 });
  });

  it('reads a tensor as {dtype, shape, data}', async () => {
    const { status, json } = await postJson(`${running.url}/sum`, { x: { dtype: 'float32', shape: [3, 1], data: [1.5, 2.5, 3] } });
    expect(status).toBe(200);
    expect(json).toEqual({ shape: [3, 1], sum: 7 });
  });

  it('reads a tensor as a binary multipart part, its shape from "; shape=" in the content type', async () => {
    const form = new FormData();
    const data = new Float32Array([1, 2, 3, 4, 5, 6.5]);
    form.append('x', new Blob([data], { type: 'application/octet-stream; shape=2,3' }), 'x.bin');
    const response = await fetch(`${running.url}/sum`, { method: 'POST', body: form });
    expect(await response.json()).toEqual({ shape: [2, 3], sum: 21.5 });
    expect(response.status).toBe(200);
  });

  it('fills a -1 dimension from the bytes of a binary part, and returns a tensor as JSON or raw bytes', async () => {
    const form = new FormData();
    form.append('x', new Blob([new Int32Array([1, 2, 3, 4, 5, 6])], { type: 'application/octet-stream' }), 'x.bin');
    const asJson = await fetch(`${running.url}/double`, { method: 'POST', body: form });
    expect(asJson.status).toBe(200);
    expect(await asJson.json()).toEqual({ dtype: 'int32', shape: [2, 3], data: [2, 4, 6, 8, 10, 12] });

    const asBytes = await fetch(`${running.url}/double`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/octet-stream' },
      body: JSON.stringify({ x: [[7, 8, 9]] }),
    });
    expect(asBytes.headers.get('content-type')).toBe('application/octet-stream');
    expect(asBytes.headers.get('x-bento-dtype')).toBe('int32');
    expect(asBytes.headers.get('x-bento-shape')).toBe('1,3');
    expect(Array.from(new Int32Array(await asBytes.arrayBuffer()))).toEqual([14, 16, 18]);
  });

  it('refuses a tensor of the wrong shape with the path in details', async () => {
    const { status, json } = await postJson(`${running.url}/double`, { x: [1, 2, 3] });
    expect(status).toBe(400);
    expect(json.error.code).toBe('validation_error');
    expect(json.error.details).toEqual([expect.objectContaining({ path: 'x', message: expect.stringContaining('received shape [3]') })]);
  });

  it.each([
    [undefined, 'image/png', 'png'],
    ['image/png', 'image/png', 'png'],
    ['image/jpeg', 'image/jpeg', 'jpeg'],
    ['image/webp', 'image/webp', 'webp'],
  ])('returns an image for Accept %s as %s of the right size', async (accept, contentType, format) => {
    const form = new FormData();
    form.append('image', new Blob([await makeImage('jpeg', 40, 30)], { type: 'image/jpeg' }), 'in.jpg');
    const response = await fetch(`${running.url}/invert`, { method: 'POST', body: form, headers: accept ? { accept } : {} });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    const bytes = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 40, 30]);
  });

  it('returns the inverted pixels exactly as PNG', async () => {
    const source = await makeImage('png', 8, 8);
    const { status, headers } = await postJson(`${running.url}/invert`, { image: source.toString('base64') });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('image/png');
    const response = await fetch(`${running.url}/invert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: source.toString('base64') }) });
    const inverted = await sharp(Buffer.from(await response.arrayBuffer())).raw().toBuffer();
    const original = await sharp(source).raw().toBuffer();
    expect(inverted.length).toBe(original.length);
    expect(inverted.every((v, i) => v === 255 - original[i]!)).toBe(true);
  });

  it('keeps a plain string multipart field a string', async () => {
    const form = new FormData();
    form.append('image', new Blob([await makeImage('png', 5, 6)], { type: 'image/png' }), 'a.png');
    form.append('label', '123');
    const response = await fetch(`${running.url}/inspect`, { method: 'POST', body: form });
    expect(await response.json()).toMatchObject({ width: 5, height: 6, label: '123' });
  });
});
