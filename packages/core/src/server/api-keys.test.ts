// Where a service's API keys come from (env, a key file), what a request presents, and which keys
// are refused at startup. The keys are real files on disk; the servers that use them are tested in
// packages/tests/src/api-keys.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { ApiKeys, apiKeysFromEnv, presentedKey } from './api-keys';

const KEY_A = 'a'.repeat(16) + '-first';
const KEY_B = 'b'.repeat(32);

describe('API keys', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'bento-keys-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are off when neither BENTO_API_KEYS nor BENTO_API_KEYS_FILE is set', () => {
    expect(apiKeysFromEnv({})).toBeUndefined();
  });

  it('come from BENTO_API_KEYS, comma-separated, spaces around them ignored', () => {
    const keys = apiKeysFromEnv({ BENTO_API_KEYS: ` ${KEY_A} , ${KEY_B},` })!;
    expect(keys.size).toBe(2);
    expect(keys.accepts(KEY_A)).toBe(true);
    expect(keys.accepts(KEY_B)).toBe(true);
    expect(keys.accepts(KEY_A + 'x')).toBe(false);
    expect(keys.accepts(KEY_A.slice(0, -1))).toBe(false);
    expect(keys.accepts('')).toBe(false);
  });

  it('come from a key file: one a line, # comments and blank lines skipped; with the env list, both count', () => {
    const file = path.join(dir, 'keys');
    writeFileSync(file, `# rotated 2026-11\n\n${KEY_B}\r\n   # old one below\n  ${KEY_A}  \n`);
    const fromFile = apiKeysFromEnv({ BENTO_API_KEYS_FILE: file })!;
    expect(fromFile.size).toBe(2);
    expect(fromFile.accepts(KEY_A) && fromFile.accepts(KEY_B)).toBe(true);
    expect(fromFile.accepts('# rotated 2026-11')).toBe(false);
    const third = 'c'.repeat(20);
    const both = apiKeysFromEnv({ BENTO_API_KEYS_FILE: file, BENTO_API_KEYS: third })!;
    expect(both.size).toBe(3);
    expect(both.accepts(third)).toBe(true);
  });

  it('stop the service when a key file is missing, empty or holds only comments, naming the file', () => {
    const missing = path.join(dir, 'nope');
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS_FILE: missing })).toThrow(new ConfigError(`Cannot read the API key file ${missing} (BENTO_API_KEYS_FILE): ENOENT`));
    const comments = path.join(dir, 'comments');
    writeFileSync(comments, '# nothing yet\n\n');
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS_FILE: comments })).toThrow(`The API key file ${comments} (BENTO_API_KEYS_FILE) holds no key`);
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS_FILE: dir })).toThrow(`Cannot read the API key file ${dir} (BENTO_API_KEYS_FILE): EISDIR`);
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS_FILE: '' })).toThrow('BENTO_API_KEYS_FILE is set but empty');
  });

  it('stop the service when BENTO_API_KEYS is set but holds no key: a deployment that meant keys must not come up open', () => {
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS: '' })).toThrow('BENTO_API_KEYS is set but holds no API key');
    expect(() => apiKeysFromEnv({ BENTO_API_KEYS: ' , ' })).toThrow('BENTO_API_KEYS is set but holds no API key');
  });

  it('refuse short keys and keys a header cannot carry, without showing the key', () => {
    const short = 'short-key';
    let message = '';
    try {
      apiKeysFromEnv({ BENTO_API_KEYS: `${KEY_A},${short}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('BENTO_API_KEYS, key 2 is 9 characters long; an API key needs at least 16 (make one with: openssl rand -hex 32)');
    expect(message).not.toContain(short);
    expect(() => new ApiKeys(['ключ-ключ-ключ-ключ'])).toThrow('the apiKeys option, key 1 has a character an HTTP header cannot carry');
    expect(() => new ApiKeys([])).toThrow('the apiKeys option holds no API key');
  });

  it('are read from "Authorization: Bearer" (any case of the scheme) or X-API-Key', () => {
    expect(presentedKey({ authorization: `Bearer ${KEY_A}` })).toBe(KEY_A);
    expect(presentedKey({ authorization: `bearer  ${KEY_A} ` })).toBe(KEY_A);
    expect(presentedKey({ 'x-api-key': KEY_B })).toBe(KEY_B);
    // Another scheme is no key; X-API-Key still counts then.
    expect(presentedKey({ authorization: `Basic ${KEY_A}` })).toBeUndefined();
    expect(presentedKey({ authorization: `Basic xyz`, 'x-api-key': KEY_B })).toBe(KEY_B);
    expect(presentedKey({})).toBeUndefined();
  });
});
