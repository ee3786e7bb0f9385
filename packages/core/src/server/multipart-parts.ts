import { BadRequestError } from '../errors';

/** One part of a multipart/form-data body; `data` is a view into the body (no copy). */
export interface MultipartPart {
  name: string;
  /** The part's full Content-Type, parameters included (a Tensor part carries dtype and shape there). */
  contentType?: string;
  /** The file name, without any directory, when the part is a file. */
  filename?: string;
  data: Buffer;
}

/** Most parts one body may have; more is a 400 (a form has a handful). */
export const MAX_PARTS = 1000;
/** Largest header block of one part. */
const MAX_PART_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const DASH = 0x2d;

/** The boundary parameter of a multipart Content-Type header. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

const malformed = (why: string) => new BadRequestError(`Cannot read the multipart body: ${why}`);

/**
 * Splits a whole multipart/form-data body (RFC 7578) into its parts. The body is already in one
 * buffer (its size is bounded by the request limit, and every part is needed whole anyway), so
 * each delimiter is found with `Buffer.indexOf`, which runs in native code, and each part's bytes
 * are a view of the body: a tensor or an image of megabytes is neither searched in JavaScript nor
 * copied. Parts without a form-data Content-Disposition name are skipped, as other form parsers do.
 */
export function splitMultipart(body: Buffer, boundary: string): MultipartPart[] {
  if (boundary.length === 0 || boundary.length > 70) throw malformed(`a boundary of ${boundary.length} characters (expected 1 to 70)`);
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  // The first delimiter may follow a preamble (ignored), on a line of its own.
  let at = body.subarray(0, dashBoundary.length).equals(dashBoundary) ? 0 : body.indexOf(delimiter);
  if (at === -1) throw malformed(`no boundary "--${boundary}" in the body`);
  if (at > 0) at += CRLF.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    let pos = at + dashBoundary.length;
    if (body[pos] === DASH && body[pos + 1] === DASH) return parts; // the close delimiter; the rest is epilogue
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw malformed(pos >= body.length ? 'the body ends after a boundary (truncated)' : 'a boundary line does not end with CRLF');
    pos += CRLF.length;
    let headerText = '';
    if (body.subarray(pos, pos + 2).equals(CRLF)) {
      pos += CRLF.length; // a part without headers
    } else {
      const end = body.indexOf(HEADERS_END, pos);
      if (end === -1 || end - pos > MAX_PART_HEADER_BYTES) {
        throw malformed(end === -1 ? 'a part\'s headers do not end (truncated)' : `a part's headers are over ${MAX_PART_HEADER_BYTES} bytes`);
      }
      headerText = body.toString('utf8', pos, end);
      pos = end + HEADERS_END.length;
    }
    const next = body.indexOf(delimiter, pos);
    if (next === -1) throw malformed(`no closing boundary "--${boundary}--" (truncated)`);
    const part = partOf(headerText, body.subarray(pos, next));
    if (part) {
      if (parts.length === MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);
      parts.push(part);
    }
    at = next + CRLF.length;
  }
}

function partOf(headerText: string, data: Buffer): MultipartPart | undefined {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of headerText === '' ? [] : headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) throw malformed(`a part header line without a colon: ${JSON.stringify(line.slice(0, 80))}`);
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key === 'content-disposition') disposition = line.slice(colon + 1).trim();
    else if (key === 'content-type') contentType = line.slice(colon + 1).trim();
  }
  if (disposition === undefined) return undefined;
  const [type, params] = parseHeaderValue(disposition);
  if (type.toLowerCase() !== 'form-data' || params.name === undefined) return undefined;
  const filename = params['filename*'] ?? params.filename;
  return { name: params.name, contentType, filename: filename === undefined ? undefined : baseName(filename), data };
}

/**
 * `form-data; name="a"; filename="b.png"` → `['form-data', { name: 'a', filename: 'b.png' }]`:
 * quoted values with backslash escapes, bare tokens, and RFC 5987 `filename*=UTF-8''…`.
 */
function parseHeaderValue(value: string): [string, Record<string, string>] {
  const params: Record<string, string> = {};
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    const key = match[1]!.toLowerCase();
    let text = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!.trim();
    if (key.endsWith('*')) text = decodeExtendedValue(text);
    params[key] = text;
  }
  return [type, params];
}

/** RFC 5987: `UTF-8''na%C3%AFve.txt` → `naïve.txt`; anything unreadable is kept as sent. */
function decodeExtendedValue(text: string): string {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(text);
  if (!match) return text;
  try {
    if (match[1]!.toLowerCase() === 'utf-8') return decodeURIComponent(match[2]!);
    // ISO-8859-1 (the only other charset RFC 5987 requires): each %XX is one code point.
    return match[2]!.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  } catch {
    return text;
  }
}

/** A file name as sent by some clients (`C:\fakepath\a.png`, `../a.png`), without its directories. */
function baseName(filename: string): string {
  return filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
}
