import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../errors';

/** Env var: the API keys callers of the public routes must send, comma-separated. */
export const API_KEYS_ENV = 'BENTO_API_KEYS';
/** Env var: a file of API keys, one a line (`#` comments and blank lines ignored), read at startup. */
export const API_KEYS_FILE_ENV = 'BENTO_API_KEYS_FILE';
/** Header a caller may send its key in, instead of `Authorization: Bearer <key>`. */
export const API_KEY_HEADER = 'x-api-key';

/** Shortest key accepted: a short key can be guessed, whatever the comparison. */
export const MIN_API_KEY_LENGTH = 16;

/** Keys travel in a header: visible ASCII only, no spaces or commas (the list separator). */
const KEY_CHARACTERS = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * The keys a service accepts, kept only as SHA-256 digests. A presented key is hashed and compared
 * with every digest in constant time, without stopping at a match: neither the response time nor
 * its length tells a caller how much of a key was right, or which key matched.
 */
export class ApiKeys {
  private readonly digests: readonly Buffer[];

  /** `source` names where the keys came from, for errors (the keys themselves are never shown). */
  constructor(keys: readonly string[], source = 'the apiKeys option') {
    if (keys.length === 0) throw new ConfigError(`${source} holds no API key; set at least one, or leave API keys off`);
    keys.forEach((key, index) => checkKey(key, `${source}, key ${index + 1}`));
    this.digests = keys.map(digest);
  }

  get size(): number {
    return this.digests.length;
  }

  /** Whether `presented` is one of the keys. */
  accepts(presented: string): boolean {
    const given = digest(presented);
    let matched = 0;
    // Every digest is compared, a match or not: the time does not depend on which key matched.
    for (const expected of this.digests) matched |= timingSafeEqual(given, expected) ? 1 : 0;
    return matched === 1;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function checkKey(key: string, where: string): void {
  if (key.length < MIN_API_KEY_LENGTH) {
    throw new ConfigError(`${where} is ${key.length} characters long; an API key needs at least ${MIN_API_KEY_LENGTH} (make one with: openssl rand -hex 32)`);
  }
  if (!KEY_CHARACTERS.test(key)) {
    throw new ConfigError(`${where} has a character an HTTP header cannot carry as is (a space, a comma or a non-ASCII character); use letters, digits and punctuation`);
  }
}

/**
 * The key a request presents: `Authorization: Bearer <key>` (the scheme in any case), else
 * `X-API-Key: <key>`. Undefined when it sends neither.
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    if (space !== -1 && authorization.slice(0, space).toLowerCase() === 'bearer') return authorization.slice(space + 1).trim();
  }
  const header = headers[API_KEY_HEADER];
  return typeof header === 'string' ? header.trim() : undefined;
}

/**
 * The API keys a service's process was given: `BENTO_API_KEYS` (comma-separated) and the lines of
 * the file `BENTO_API_KEYS_FILE`, together. Undefined when neither variable is set: the public
 * routes are open. A variable that is set but holds no key, or a file that cannot be read, stops
 * the service at startup: a deployment that meant to require keys must not come up open.
 */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): ApiKeys | undefined {
  const listed = env[API_KEYS_ENV];
  const file = env[API_KEYS_FILE_ENV];
  if (listed === undefined && file === undefined) return undefined;
  const keys: string[] = [];
  const sources: string[] = [];
  if (listed !== undefined) {
    const fromList = listed.split(',').map((key) => key.trim()).filter((key) => key !== '');
    if (fromList.length === 0) throw new ConfigError(`${API_KEYS_ENV} is set but holds no API key (expected comma-separated keys); unset it to leave API keys off`);
    keys.push(...fromList);
    sources.push(API_KEYS_ENV);
  }
  if (file !== undefined) {
    keys.push(...readKeyFile(file));
    sources.push(`${API_KEYS_FILE_ENV} (${file})`);
  }
  return new ApiKeys(keys, sources.join(' and '));
}

/** The keys of a key file: one a line; blank lines and lines starting with `#` are skipped. */
export function readKeyFile(file: string): string[] {
  if (file.trim() === '') throw new ConfigError(`${API_KEYS_FILE_ENV} is set but empty; it should name a file of API keys, one a line`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read the API key file ${file} (${API_KEYS_FILE_ENV}): ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (keys.length === 0) throw new ConfigError(`The API key file ${file} (${API_KEYS_FILE_ENV}) holds no key; write one key a line (lines starting with # are comments)`);
  return keys;
}
