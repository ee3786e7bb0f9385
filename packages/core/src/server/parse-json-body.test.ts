import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { BadRequestError } from '../errors';
import { MAX_JSON_DEPTH as MAX_INPUT_DEPTH } from './body-limits';
import { assertJsonDepth } from './parse-json-body';
import { readInput } from './read-input';

const nestedText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A request as readInput sees one: a readable body with headers. */
function request(contentType: string, body: string): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-type': contentType },
  }) as unknown as IncomingMessage;
}

describe('input nesting depth', () => {
  it(`takes JSON nested ${MAX_INPUT_DEPTH} deep and refuses one level more with a 400 naming the limit`, () => {
    expect(() =>
      assertJsonDepth(Buffer.from(nestedText(MAX_INPUT_DEPTH)), 'Request body'),
    ).not.toThrow();
    expect(() =>
      assertJsonDepth(Buffer.from(`{"a":${nestedText(MAX_INPUT_DEPTH)}}`), 'Request body'),
    ).toThrow(
      new BadRequestError(
        `Request body nests JSON deeper than ${MAX_INPUT_DEPTH} levels`,
      ),
    );
  });

  it('refuses a JSON body 100,000 levels deep as a bad request, before a schema sees it', async () => {
    const read = readInput(
      request('application/json', `{"x":${nestedText(100_000)}}`),
      { body: 1 << 20, json: 1 << 20 },
      undefined,
    );
    await expect(read).rejects.toBeInstanceOf(BadRequestError);
    await expect(read).rejects.toMatchObject({
      status: 400,
      code: 'bad_request',
      details: { max_depth: MAX_INPUT_DEPTH },
    });
  });

  it('refuses a multipart JSON field that nests too deep, naming the field', async () => {
    const boundary = 'b0undary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="params"\r\n\r\n${nestedText(100)}\r\n--${boundary}--\r\n`;
    const read = readInput(
      request(`multipart/form-data; boundary=${boundary}`, body),
      { body: 1 << 20, json: 1 << 20 },
      z.object({ params: z.unknown() }),
    );
    await expect(read).rejects.toThrow(
      `Multipart field "params" nests JSON deeper than ${MAX_INPUT_DEPTH} levels`,
    );
    await expect(read).rejects.toMatchObject({ status: 400, details: { path: 'params' } });
  });

  it('still reads JSON within the limit', async () => {
    await expect(
      readInput(request('application/json', '{"x":[[1,2]]}'), { body: 1 << 20, json: 1 << 20 }, undefined),
    ).resolves.toEqual({ x: [[1, 2]] });
  });
});
