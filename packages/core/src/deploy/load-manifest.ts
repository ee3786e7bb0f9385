import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { loadServiceTarget } from '../runtime/load-target';
import { BentoStore } from './bento/bento-store';
import { graphManifest, type GraphManifest } from './graph-manifest';

/**
 * The graph to deploy, from what `bento deploy` was given: a built bento (its tag in the store,
 * `name:version`, or a folder with a bento.yaml holding `services`), a source folder (its bentofile.yaml's `service:`), or a serve
 * target (`./service.ts:Entry`). A source is loaded as `bento serve` loads it.
 */
export async function loadManifest(source = '.', cwd = process.cwd()): Promise<GraphManifest> {
  const stored = await storedBentoFolder(source, cwd);
  if (stored) return manifestOfBento(path.join(stored, 'bento.yaml'));
  const resolved = path.resolve(cwd, source);
  if (existsSync(resolved) && statSync(resolved).isDirectory()) {
    const bentoYaml = path.join(resolved, 'bento.yaml');
    if (existsSync(bentoYaml)) return manifestOfBento(bentoYaml);
    return graphManifest(await loadServiceTarget(undefined, resolved));
  }
  return graphManifest(await loadServiceTarget(source, cwd));
}

/** A built bento's graph: its bento.yaml's `services` (the entry last) and `entry`. */
function manifestOfBento(file: string): GraphManifest {
  const raw = parseYaml(readFileSync(file, 'utf8')) as { entry?: unknown; services?: unknown } | null;
  const services = raw?.services;
  if (!Array.isArray(services) || services.length === 0) throw new ConfigError(`${file} has no services list: build the bento again with bento build`);
  const entry = typeof raw?.entry === 'string' ? raw.entry : (services.at(-1) as { name: string }).name;
  return { entry, services } as GraphManifest;
}

const BENTO_TAG = /^[a-z0-9][a-z0-9._-]*(:[0-9a-z._-]+)?$/;

/**
 * The store folder of a bento tag (`name:version`, or `name` for its newest), when `source` is one:
 * it names no file or folder here and looks like a tag. Undefined otherwise.
 */
export async function storedBentoFolder(source: string, cwd = process.cwd()): Promise<string | undefined> {
  const name = source.split(':')[0]!;
  if (!BENTO_TAG.test(source) || existsSync(path.resolve(cwd, source)) || existsSync(path.resolve(cwd, name))) return undefined;
  const store = new BentoStore();
  // A name the store does not know is a serve target (./service:Entry written without ./), not a tag.
  // Looked up as a folder: listing the store measures every bento's size.
  if (!existsSync(path.join(store.root, name))) return undefined;
  return (await store.get(source)).path;
}

/** The version of the bento at `source` (a store tag or a bento folder), for its images' tag. */
export async function bentoVersionOf(source: string, cwd = process.cwd()): Promise<string | undefined> {
  const folder = (await storedBentoFolder(source, cwd)) ?? path.resolve(cwd, source);
  const file = path.join(folder, 'bento.yaml');
  if (!existsSync(file)) return undefined;
  const version = (parseYaml(readFileSync(file, 'utf8')) as { version?: unknown } | null)?.version;
  return typeof version === 'string' ? version : undefined;
}
