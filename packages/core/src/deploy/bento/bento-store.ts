import { existsSync } from 'node:fs';
import { readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, NotFoundError } from '../../errors';
import { MANIFEST_FILE, readManifest, type BentoManifest } from './bento-manifest';

/** A bento in the store. */
export interface BentoInfo {
  /** `name:version`. */
  tag: string;
  name: string;
  version: string;
  /** Its folder: bento.yaml, src/. */
  path: string;
  /** Bytes of the files it holds. */
  size: number;
  created_at: string;
  manifest: BentoManifest;
}

/** The store's folder: `BENTO_HOME`, else `~/.bento`. */
export function bentoHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENTO_HOME ? path.resolve(env.BENTO_HOME) : path.join(homedir(), '.bento');
}

/** Names become image names and folder names: lower case, digits, `.`, `_`, `-`. */
export const BENTO_NAME = /^[a-z0-9][a-z0-9._-]*$/;

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** The local bento store: `<home>/bentos/<name>/<version>/`, one immutable folder per version. */
export class BentoStore {
  readonly root: string;

  constructor(home = bentoHome()) {
    this.root = path.join(home, 'bentos');
  }

  folder(name: string, version: string): string {
    return path.join(this.root, name, version);
  }

  async info(name: string, version: string): Promise<BentoInfo> {
    const folder = this.folder(name, version);
    const manifest = await readManifest(path.join(folder, MANIFEST_FILE));
    return { tag: `${name}:${version}`, name, version, path: folder, size: await folderSize(folder), created_at: manifest.created_at, manifest };
  }

  /** Every bento, newest first. Half-written folders (no bento.yaml yet) are not bentos. */
  async list(): Promise<BentoInfo[]> {
    const found: BentoInfo[] = [];
    for (const name of await readdir(this.root).catch(() => [])) {
      for (const version of await readdir(path.join(this.root, name)).catch(() => [])) {
        if (!version.startsWith('.') && existsSync(path.join(this.folder(name, version), MANIFEST_FILE))) found.push(await this.info(name, version));
      }
    }
    return found.sort((a, b) => b.created_at.localeCompare(a.created_at) || a.tag.localeCompare(b.tag));
  }

  /** `name:version`, or `name` for its newest version. An unknown tag names what exists. */
  async get(tag: string): Promise<BentoInfo> {
    const [name, version, ...rest] = tag.split(':');
    if (!name || rest.length > 0 || version === '') throw new ConfigError(`"${tag}" is not a bento tag: write name:version, or name for its newest version`);
    const all = await this.list();
    const found = all.find((bento) => bento.name === name && (version === undefined || bento.version === version));
    if (found) return found;
    const same = all.filter((bento) => bento.name === name).map((bento) => bento.tag);
    const known = same.length > 0 ? `versions of ${name}: ${same.join(', ')}` : `bentos: ${[...new Set(all.map((b) => b.name))].join(', ') || 'none'}`;
    throw new NotFoundError(`No bento ${tag} in ${this.root} (${known})`);
  }

  async delete(tag: string): Promise<BentoInfo> {
    const bento = await this.get(tag);
    await rm(bento.path, { recursive: true, force: true });
    // The name's folder goes with its last version, so `list` and the folder agree.
    await rmdir(path.dirname(bento.path)).catch(() => undefined);
    return bento;
  }

  /**
   * Moves a fully written folder into place as `name:version`. Renaming is atomic, so a reader never
   * sees a half-written bento; when the version is already there (built meanwhile), the copy is dropped.
   */
  async commit(staging: string, name: string, version: string): Promise<'added' | 'exists'> {
    const target = this.folder(name, version);
    if (existsSync(path.join(target, MANIFEST_FILE))) {
      await rm(staging, { recursive: true, force: true });
      return 'exists';
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return 'added';
  }
}
