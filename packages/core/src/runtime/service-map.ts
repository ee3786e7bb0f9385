import { z } from 'zod';
import { describeIssues } from '../config/format-issues';
import { ConfigError } from '../errors';

/** Where each service of a graph listens: `unix:///path.sock` or `http://host:port`. */
export type ServiceMap = Record<string, string>;

export const SERVICE_MAP_ENV = 'BENTO_SERVICE_MAP';

const Address = z.string().superRefine((address, ctx) => {
  if (/^https:\/\//i.test(address)) {
    // Refused rather than sent as plaintext: the internal pool speaks HTTP/1.1 without TLS, and
    // an https:// address would get the graph's token in the clear.
    ctx.addIssue({
      code: 'custom',
      message: `${address} is https://, which internal calls do not support: use http:// on a private network, or put a TLS sidecar in front`,
    });
  } else if (!/^(unix:\/\/\/.+|http:\/\/[^\s/]+\/?)$/i.test(address)) {
    ctx.addIssue({ code: 'custom', message: `expected an address like unix:///run/bento/sdxl.sock or http://host:3000 but received ${JSON.stringify(address)}` });
  }
});

const ServiceMapSchema = z.record(z.string().min(1), Address);

/** Checks a service map (from `source`, named in errors); throws a `ConfigError` saying what is wrong. */
export function parseServiceMap(raw: unknown, source: string): ServiceMap {
  const parsed = ServiceMapSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads `BENTO_SERVICE_MAP` (JSON name → address); an invalid map is an error naming the variable. */
export function readServiceMap(env: NodeJS.ProcessEnv = process.env): ServiceMap {
  const text = env[SERVICE_MAP_ENV];
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${SERVICE_MAP_ENV} is not valid JSON: ${(cause as Error).message}`);
  }
  return parseServiceMap(raw, SERVICE_MAP_ENV);
}
