import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { loadServiceTarget } from '../runtime/load-target';
import { graphManifest, type GraphManifest } from './graph-manifest';

/**
 * The graph to deploy, from what `bento deploy` was given: a built bento (a folder with a
 * bento.yaml holding `services`), a source folder (its bentofile.yaml's `service:`), or a serve
 * target (`./service.ts:Entry`). A source is loaded as `bento serve` loads it.
 */
export async function loadManifest(source = '.', cwd = process.cwd()): Promise<GraphManifest> {
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
