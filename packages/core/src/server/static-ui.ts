import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { isReservedRoute } from '../sdk/built-in-routes';
import { contentTypeOf, resolveUiFile, uiRoot } from './ui-files';

/**
 * Headers of every response of a service's web page, its 304s and 404s included. The policy lets
 * the page load its own scripts, styles and images (and data:/blob: images it makes), talk only to
 * its own service, and never run inline script or be framed by another site.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** The metrics label of the page's requests: one label for all its files keeps cardinality bounded. */
export const UI_ENDPOINT = '/';

/**
 * A service's web page: the files of its `ui` folder, answered to GET and HEAD with an ETag and
 * Last-Modified so browsers revalidate instead of downloading again. It sits after the API and
 * built-in routes and never takes their paths, so an API keeps its 405 for GET and the framework's
 * routes stay the framework's.
 */
export class StaticUi {
  private readonly root: string;

  /** Throws a ConfigError naming the service when `dir` is not a folder. */
  constructor(dir: string, serviceName: string) {
    this.root = uiRoot(dir, serviceName);
  }

  /** Whether a request is the page's to answer (once the API and built-in routes let it pass). */
  takes(method: string | undefined, urlPath: string): boolean {
    return (method === 'GET' || method === 'HEAD') && urlPath.startsWith('/') && !isReservedRoute(urlPath) && !urlPath.startsWith('/docs/');
  }

  /** Express middleware: answers with a file, or passes on to the usual JSON 404 (with the page's headers). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const urlPath = query === -1 ? url : url.slice(0, query);
    if (!this.takes(req.method, urlPath)) return next();
    for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) res.setHeader(name, value);
    const file = await resolveUiFile(this.root, urlPath);
    if (file === undefined || !(await this.send(req, res, file))) next();
  };

  /** Answers with the file; resolves false when it cannot be opened or is not a regular file. */
  private async send(req: IncomingMessage, res: ServerResponse, file: string): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch {
      return false;
    }
    let streaming = false;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return false;
      // Weak: the tag follows size and time, not the bytes, which is all a revalidation needs.
      const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      res.setHeader('etag', etag);
      res.setHeader('last-modified', stats.mtime.toUTCString());
      // Revalidate every time: the files keep their names across versions of the page.
      res.setHeader('cache-control', 'no-cache');
      if (notModified(req, etag, stats.mtime)) {
        res.writeHead(304).end();
        return true;
      }
      res.writeHead(200, { 'content-type': contentTypeOf(file), 'content-length': stats.size });
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      // pipeline destroys the file stream, which closes the handle, also when the visitor goes away mid-file.
      streaming = true;
      pipeline(handle.createReadStream(), res, () => {});
      return true;
    } finally {
      if (!streaming) await handle.close();
    }
  }
}

/** RFC 9110's conditional GET: If-None-Match (weak comparison) wins over If-Modified-Since. */
function notModified(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}
