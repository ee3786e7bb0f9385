import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { BadRequestError, PayloadTooLargeError } from '../errors';
import { BinaryPart } from '../sdk/io-kind';
import { boundaryOf, PartHeaderScanner } from './part-headers';
import { fieldExpectsString } from './schema-shape';
import type { Schema } from '../sdk/definition';

/**
 * Reads a multipart/form-data body into one object: file parts become `BinaryPart`s (decoded
 * later by the field's IO schema), text parts are parsed as JSON unless the field's schema wants a
 * plain string, so `-F 'params={"prompt":"a"}'` and `-F prompt=a` both work.
 */
export function readMultipart(req: IncomingMessage, limit: number, schema: Schema | undefined): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new PayloadTooLargeError(limit));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: limit, fileSize: limit, fields: 1000, files: 100, parts: 1100 } });
    } catch (cause) {
      reject(new BadRequestError(`Cannot read the multipart body: ${(cause as Error).message}`));
      return;
    }
    const result: Record<string, unknown> = {};
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    // Sees each chunk before busboy does, so a part's full Content-Type is known when its file ends.
    const boundary = boundaryOf(req.headers['content-type']);
    const headers = boundary ? new PartHeaderScanner(boundary) : undefined;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new PayloadTooLargeError(limit));
      headers?.feed(chunk);
    };
    req.on('data', onData);

    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        result[name] = new BinaryPart(Buffer.concat(chunks), headers?.contentTypes.get(name) ?? info.mimeType, info.filename);
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new PayloadTooLargeError(limit));
      if (fieldExpectsString(schema, name)) {
        result[name] = value;
        return;
      }
      try {
        result[name] = JSON.parse(value);
      } catch {
        // Without a schema saying otherwise, a text part that is not JSON is taken as a string.
        if (schema && !fieldExpectsString(schema, name, true)) {
          return fail(new BadRequestError(`Multipart field ${JSON.stringify(name)} is not valid JSON`, { path: name }));
        }
        result[name] = value;
      }
    });
    parser.on('error', (error: Error) => fail(new BadRequestError(`Cannot read the multipart body: ${error.message}`)));
    parser.on('close', () => {
      req.off('data', onData);
      if (!failed) resolve(result);
    });
    req.pipe(parser);
  });
}
