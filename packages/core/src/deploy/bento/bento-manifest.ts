import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { BentofileDocker } from '../../config/bentofile';
import { ConfigError } from '../../errors';
import type { ServiceManifest } from '../graph-manifest';

/** The file at the top of every bento that says what it is. */
export const MANIFEST_FILE = 'bento.yaml';
/** The folder of a bento holding the app, laid out like its workspace (root package.json and lockfile at the top). */
export const SOURCE_DIR = 'src';

/** `bento.yaml`: what a bento holds and how to run it; what containerize and deploy read. */
export interface BentoManifest {
  name: string;
  /** Content-addressed: the same files and settings give the same version. */
  version: string;
  /** When this version was first built (ISO 8601); a rebuild of the same version keeps it. */
  created_at: string;
  entry: {
    /** The bentofile's `service:` (module:Export), relative to `dir`. */
    target: string;
    /** The entry service's name. */
    service: string;
    /** The app's folder inside src/ (posix; `.` for a project without workspaces): where `bento serve` runs. */
    dir: string;
  };
  description?: string;
  labels: Record<string, string>;
  envs: Array<{ name: string; value?: string }>;
  docker: BentofileDocker;
  /** The workspace packages the bento carries besides the app (`@bento/core`, …), by name. */
  packages: string[];
  /** Every service of the graph, dependencies first, the entry last. */
  services: ServiceManifest[];
}

export function manifestYaml(manifest: BentoManifest): string {
  return stringifyYaml(manifest, { lineWidth: 0 });
}

export async function readManifest(file: string): Promise<BentoManifest> {
  try {
    return parseYaml(await readFile(file, 'utf8')) as BentoManifest;
  } catch (cause) {
    throw new ConfigError(`Cannot read ${file}: ${(cause as Error).message}`);
  }
}
