import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Toolbox } from './fixtures/toolbox';
import { serveForTest } from './helpers/server';

const run = promisify(execFile);

describe('@bento/core/client without native parts', () => {
  let running: Awaited<ReturnType<typeof serveForTest>>;
  beforeAll(async () => {
    running = await serveForTest(Toolbox);
  });
  afterAll(() => running.close());

  it('sends and receives images and tensors with sharp unresolvable, and loads neither sharp nor zod', async () => {
    const { stdout, stderr } = await run(process.execPath, [path.join(__dirname, 'fixtures/client-without-sharp.js')], {
      cwd: __dirname,
      env: { ...process.env, SERVICE_URL: running.url },
    });
    expect(stderr).toBe('');
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    // The server decoded nothing either: raw pixels in, raw pixels out.
    expect(answer.inverted).toEqual({ data: [255, 245, 235, 5, 15, 25], width: 2, height: 1, channels: 3, isUint8Array: true });
    // Nested images travel as uint8 tensors in JSON, and the server converts them to gray.
    expect(answer.sizes).toEqual([
      { width: 2, height: 1, channels: 1 },
      { width: 2, height: 2, channels: 1 },
    ]);
    expect(answer.doubled).toEqual({ dtype: 'int32', shape: [1, 3], data: [2, 4, 6] });
    expect(answer.loaded).toEqual([]);
  });

  it('answers an Image as raw pixels only to a caller that takes octet-stream and no image type', async () => {
    const form = () => {
      const body = new FormData();
      const part = new Blob([new Uint8Array([0, 10, 20, 250, 240, 230])], { type: 'application/octet-stream; dtype=uint8; shape=1,2,3' });
      body.append('image', part, 'image.rgb');
      return body;
    };
    const raw = await fetch(`${running.url}/invert`, { method: 'POST', body: form(), headers: { accept: 'application/json, application/octet-stream' } });
    expect(raw.headers.get('content-type')).toBe('application/octet-stream');
    expect([raw.headers.get('x-bento-dtype'), raw.headers.get('x-bento-shape'), raw.headers.get('x-bento-image')]).toEqual(['uint8', '1,2,3', '1']);
    expect(Array.from(new Uint8Array(await raw.arrayBuffer()))).toEqual([255, 245, 235, 5, 15, 25]);
    for (const accept of ['*/*', 'image/png, application/octet-stream']) {
      const encoded = await fetch(`${running.url}/invert`, { method: 'POST', body: form(), headers: { accept } });
      expect(encoded.headers.get('content-type')).toBe('image/png');
    }
  });
});
