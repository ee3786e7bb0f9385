import { boundaryOf, PartHeaderScanner } from './part-headers';

const BOUNDARY = '----bento123';
const BODY = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="params"\r\n\r\n{"a":1}\r\n`),
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"; filename="x.bin"\r\nContent-Type: application/octet-stream; dtype=float32; shape=2,3\r\n\r\n`),
  Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer),
  Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Type: image/png\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\n\r\nPNGDATA\r\n--${BOUNDARY}--\r\n`),
]);

describe('PartHeaderScanner', () => {
  it('keeps the full Content-Type of every part, by name', () => {
    const scanner = new PartHeaderScanner(BOUNDARY);
    scanner.feed(BODY);
    expect([...scanner.contentTypes]).toEqual([
      ['x', 'application/octet-stream; dtype=float32; shape=2,3'],
      ['image', 'image/png'],
    ]);
  });

  it('finds the same headers however the body is split into chunks', () => {
    for (const size of [1, 2, 3, 7, 13, 40, 64]) {
      const scanner = new PartHeaderScanner(BOUNDARY);
      for (let i = 0; i < BODY.length; i += size) scanner.feed(BODY.subarray(i, i + size));
      expect(scanner.contentTypes.get('x')).toBe('application/octet-stream; dtype=float32; shape=2,3');
      expect(scanner.contentTypes.get('image')).toBe('image/png');
    }
    for (let cut = 1; cut < BODY.length; cut++) {
      const scanner = new PartHeaderScanner(BOUNDARY);
      scanner.feed(BODY.subarray(0, cut));
      scanner.feed(BODY.subarray(cut));
      expect(scanner.contentTypes.size).toBe(2);
    }
  });

  it('reads the boundary of a Content-Type header, quoted or not', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; boundary="a b;c"')).toBe('a b;c');
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });
});
