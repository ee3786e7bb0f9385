import { z } from 'zod';
import { describeIssues } from '../config/format-issues';
import { ConfigError } from '../errors';

/** Where each service of a graph listens: `unix:///path.sock` or `http://host:port`. */
export type ServiceMap = Record<string, string>;

export const SERVICE_MAP_ENV = 'BENTO_SERVICE_MAP';

const ServiceMapSchema = z.record(
  z.string().min(1),
  z.string().regex(/^(unix:\/\/\/.+|https?:\/\/[^\s/]+(\/.*)?)$/, 'an address like unix:///run/bento/sdxl.sock or http://host:3000'),
);

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
  const parsed = ServiceMapSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${SERVICE_MAP_ENV} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
