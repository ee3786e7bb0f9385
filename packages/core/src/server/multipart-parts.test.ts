import { BadRequestError } from '../errors';
import { boundaryOf, MAX_PARTS, splitMultipart } from './multipart-parts';

const BOUNDARY = '----bento123';
const FLOATS = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
const BODY = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="params"\r\n\r\n{"a":1}\r\n`),
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"; filename="x.bin"\r\nContent-Type: application/octet-stream; dtype=float32; shape=2,3\r\n\r\n`),
  FLOATS,
  Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Type: image/png\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\n\r\nPNGDATA\r\n--${BOUNDARY}--\r\n`),
]);

const form = (...parts: string[]) => Buffer.from(parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join('') + `--${BOUNDARY}--\r\n`);
const split = (body: Buffer) => splitMultipart(body, BOUNDARY);

describe('splitMultipart', () => {
  it('reads every part: name, full Content-Type, file name, and the bytes as a view of the body', () => {
    const parts = split(BODY);
    expect(parts.map(({ name, contentType, filename }) => ({ name, contentType, filename }))).toEqual([
      { name: 'params', contentType: undefined, filename: undefined },
      { name: 'x', contentType: 'application/octet-stream; dtype=float32; shape=2,3', filename: 'x.bin' },
      { name: 'image', contentType: 'image/png', filename: 'a.png' },
    ]);
    expect(parts[0]!.data.toString()).toBe('{"a":1}');
    expect(parts[1]!.data.equals(FLOATS)).toBe(true);
    expect(parts[2]!.data.toString()).toBe('PNGDATA');
    for (const part of parts) expect(part.data.buffer).toBe(BODY.buffer);
  });

  it('keeps bytes that look like a boundary but are not on a line of their own', () => {
    // A delimiter is CRLF + "--" + boundary; the same text after a bare LF or CR, or short of a dash, is content.
    const tricky = `--${BOUNDARY}x\n--${BOUNDARY}\r\n\r--${BOUNDARY}--\r\n-${BOUNDARY}`;
    const [part] = split(form(`Content-Disposition: form-data; name="f"; filename="f"\r\n\r\n${tricky}`));
    expect(part!.data.toString()).toBe(tricky);
  });

  it('ignores a preamble, an epilogue and transport padding; allows empty parts', () => {
    const body = Buffer.from(`preamble\r\n--${BOUNDARY}  \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n--${BOUNDARY}--\r\nepilogue`);
    const parts = split(body);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.data.length).toBe(0);
  });

  it('skips parts without a form-data name, as other form parsers do', () => {
    const parts = split(form('\r\nno headers', 'Content-Type: text/plain\r\n\r\nno disposition', 'Content-Disposition: attachment; name="a"\r\n\r\nx', 'Content-Disposition: form-data\r\n\r\nno name', 'Content-Disposition: form-data; name="kept"\r\n\r\nyes'));
    expect(parts.map((p) => [p.name, p.data.toString()])).toEqual([['kept', 'yes']]);
  });

  it('reads quoted, escaped, bare and RFC 5987 parameters and drops directories from file names', () => {
    const parts = split(
      form(
        'Content-Disposition: form-data; name="a \\"b\\";c"; filename="C:\\\\fakepath\\\\p.png"\r\n\r\n1',
        'Content-Disposition: form-data; name=bare; filename=../../etc/passwd\r\n\r\n2',
        "Content-Disposition: form-data; name=\"u\"; filename=\"x\"; filename*=UTF-8''na%C3%AFve.txt\r\n\r\n3",
        "Content-Disposition: form-data; name=\"l\"; filename*=iso-8859-1''caf%E9.txt\r\n\r\n4",
      ),
    );
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ['a "b";c', 'p.png'],
      ['bare', 'passwd'],
      ['u', 'naïve.txt'],
      ['l', 'café.txt'],
    ]);
  });

  it('refuses a truncated body at every cut with a 400 that says what is wrong', () => {
    const end = BODY.lastIndexOf(`--${BOUNDARY}--`) + 2 + BOUNDARY.length + 2;
    for (let cut = 0; cut < end; cut++) {
      let thrown: unknown;
      try {
        split(BODY.subarray(0, cut));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BadRequestError);
      expect((thrown as Error).message).toMatch(/^Cannot read the multipart body: /);
    }
  });

  it('refuses bad header lines, oversized headers, too many parts and odd boundaries', () => {
    expect(() => split(form('no colon here\r\n\r\nx'))).toThrow(/header line without a colon/);
    expect(() => split(form(`X-Big: ${'a'.repeat(17 * 1024)}\r\n\r\nx`))).toThrow(/headers are over 16384 bytes/);
    const many = Array.from({ length: MAX_PARTS + 1 }, (_, i) => `Content-Disposition: form-data; name="p${i}"\r\n\r\n${i}`);
    expect(() => split(form(...many))).toThrow(`more than ${MAX_PARTS} parts`);
    expect(split(form(...many.slice(0, MAX_PARTS)))).toHaveLength(MAX_PARTS);
    expect(() => splitMultipart(BODY, 'x'.repeat(71))).toThrow(/boundary of 71 characters/);
    expect(() => split(Buffer.from(`--${BOUNDARY}junk`))).toThrow(/does not end with CRLF/);
    expect(() => split(Buffer.from('just text'))).toThrow(/no boundary/);
  });

  it('answers thousands of corrupted bodies with BadRequestError or parts inside the body, never anything else', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      const body = Buffer.from(BODY);
      for (let k = 0, n = 1 + Math.floor(random() * 4); k < n; k++) body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
      const cut = body.subarray(0, Math.floor(random() * (body.length + 1)));
      try {
        for (const part of split(cut)) expect(part.data.buffer).toBe(cut.buffer);
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
      }
    }
  });
});

describe('boundaryOf', () => {
  it('reads the boundary of a Content-Type header, quoted or not', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; boundary="a b;c"')).toBe('a b;c');
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });
});
