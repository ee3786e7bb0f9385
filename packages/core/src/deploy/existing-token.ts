import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { INTERNAL_TOKEN_ENV } from './env-names';

/**
 * The internal token of an earlier render into `dir`, if there is one: `secret.yaml`'s token
 * (Kubernetes) or `.env`'s `BENTO_INTERNAL_TOKEN` (compose). Rendering into the same folder again
 * keeps it, because a new token would reach only the pods that restart: old callers and new
 * callees (or the reverse) would refuse each other's internal calls with 401 until all had.
 */
export function existingInternalToken(dir: string): string | undefined {
  const secret = path.join(dir, 'secret.yaml');
  if (existsSync(secret)) {
    for (const document of parseAllDocuments(readFileSync(secret, 'utf8'))) {
      const object = document.toJSON() as { kind?: string; stringData?: { token?: unknown } } | null;
      if (object?.kind === 'Secret' && typeof object.stringData?.token === 'string') return object.stringData.token;
    }
  }
  const env = path.join(dir, '.env');
  if (existsSync(env)) {
    const line = readFileSync(env, 'utf8').split('\n').find((l) => l.startsWith(`${INTERNAL_TOKEN_ENV}=`));
    if (line) return line.slice(INTERNAL_TOKEN_ENV.length + 1).trim() || undefined;
  }
  return undefined;
}
