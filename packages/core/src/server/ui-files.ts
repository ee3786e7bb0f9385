import { realpathSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';

/**
 * Content types of the files a small web page is made of. Anything else is served as
 * `application/octet-stream`, which browsers (told `nosniff`) neither run nor render.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
};

/** The Content-Type a file is served with, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The real path of a service's UI folder, checked when the server is made: a folder that is
 * missing should stop the start, not answer 404 to every visitor.
 */
export function uiRoot(dir: string, serviceName: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new ConfigError(`Service ${serviceName}: the ui folder ${dir} does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new ConfigError(`Service ${serviceName}: ui ${dir} is not a folder`);
  return real;
}

/**
 * The file under `root` (a real path) that a request path names, or undefined when it names none
 * that may be served. The path is percent-decoded first, so `%2e%2e` is `..`; then any segment
 * that starts with a dot is refused (`..`, `.`, and hidden files like `.env`), and the file's real
 * path must still be inside `root`, so a symbolic link cannot lead out of it. A path ending in `/`
 * names that folder's index.html.
 */
export async function resolveUiFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // Malformed percent-encoding names no file.
  }
  if (decoded.includes('\0')) return undefined;
  const segments = decoded.split('/').slice(1);
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html';
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return undefined;
  let real: string;
  try {
    real = await realpath(path.join(root, ...segments));
  } catch {
    return undefined;
  }
  return real.startsWith(root.endsWith(path.sep) ? root : root + path.sep) ? real : undefined;
}
