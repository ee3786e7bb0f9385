const HEADER_END = Buffer.from('\r\n\r\n');
/** Part headers larger than this are not kept (busboy refuses much smaller ones anyway). */
const MAX_HEADER_BYTES = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** The boundary parameter of a multipart Content-Type header. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Reads each part's full Content-Type from a raw multipart body as it streams past. busboy reports
 * a part's media type without its parameters (`application/octet-stream`, not
 * `application/octet-stream; shape=2,3`), and a Tensor part carries its dtype and shape there.
 * Only the part headers are looked at: `indexOf` over each chunk, no copy of the body.
 */
export class PartHeaderScanner {
  /** Full Content-Type of each part that had one, by field name. */
  readonly contentTypes = new Map<string, string>();
  private readonly delimiter: Buffer;
  private carry = EMPTY;
  private inHeader = false;
  private gaveUp = false;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`--${boundary}`, 'latin1');
  }

  feed(chunk: Buffer): void {
    if (this.gaveUp) return;
    let buf = chunk;
    if (this.carry.length > 0) {
      // A header, or a delimiter, may straddle chunks: join only then (or for chunks too short to tell).
      const straddles =
        this.inHeader ||
        chunk.length < this.delimiter.length ||
        Buffer.concat([this.carry, chunk.subarray(0, this.delimiter.length)]).includes(this.delimiter);
      if (straddles) buf = Buffer.concat([this.carry, chunk]);
      this.carry = EMPTY;
    }
    let pos = 0;
    for (;;) {
      if (!this.inHeader) {
        const at = buf.indexOf(this.delimiter, pos);
        if (at === -1) {
          this.carry = Buffer.from(buf.subarray(Math.max(pos, buf.length - this.delimiter.length + 1)));
          return;
        }
        this.inHeader = true;
        pos = at + this.delimiter.length;
      }
      const end = buf.indexOf(HEADER_END, pos);
      if (end === -1) {
        if (buf.length - pos > MAX_HEADER_BYTES) this.gaveUp = true;
        else this.carry = Buffer.from(buf.subarray(pos));
        return;
      }
      this.record(buf.toString('latin1', pos, end));
      this.inHeader = false;
      pos = end + HEADER_END.length;
    }
  }

  private record(header: string): void {
    let name: string | undefined;
    let contentType: string | undefined;
    for (const line of header.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      if (key === 'content-disposition') name = /;\s*name="([^"]*)"/i.exec(line)?.[1];
      else if (key === 'content-type') contentType = line.slice(colon + 1).trim();
    }
    if (name !== undefined && contentType !== undefined) this.contentTypes.set(name, contentType);
  }
}
