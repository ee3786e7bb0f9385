import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readBentofile } from '../../config/bentofile';
import { ConfigError } from '../../errors';
import { loadServiceTarget } from '../../runtime/load-target';
import { graphManifest, type ServiceManifest } from '../graph-manifest';
import { MANIFEST_FILE, SOURCE_DIR, manifestYaml, type BentoManifest } from './bento-manifest';
import { BENTO_NAME, BentoStore, bentoHome, type BentoInfo } from './bento-store';
import { collectFiles } from './collect-files';
import { contentVersion } from './content-version';
import { findWorkspace } from './workspace';

/** What `buildBento` takes. */
export interface BuildBentoOptions {
  /** The folder of bentofile.yaml (default: the current directory). */
  dir?: string;
  /** The store's folder (default: `BENTO_HOME`, else `~/.bento`). */
  home?: string;
}

/** A built bento; `existed` when this version was already in the store (nothing was written). */
export interface BuiltBento extends BentoInfo {
  existed: boolean;
}

/**
 * A service's `ui` folder is an absolute path on the building machine; in a bento it is written
 * relative to src/, so bento.yaml (and its version) is the same wherever it is built.
 */
function portableServices(services: ServiceManifest[], root: string): ServiceManifest[] {
  return services.map((s) => {
    const ui = s.options.ui;
    if (!ui || path.relative(root, ui).startsWith('..')) return s;
    return { ...s, options: { ...s.options, ui: path.relative(root, ui).split(path.sep).join('/') } };
  });
}

/**
 * Builds a bento from `dir/bentofile.yaml` into the local store: the app's files, the workspace
 * packages it uses, the lockfile, and bento.yaml describing its service graph. The version is a
 * hash of all that, so building unchanged inputs again returns the bento already there.
 *
 * @example
 * const bento = await buildBento({ dir: 'apps/controlnet' });
 * console.log(bento.tag); // controlnet:1f0c…
 */
export async function buildBento(options: BuildBentoOptions = {}): Promise<BuiltBento> {
  const dir = path.resolve(options.dir ?? '.');
  const bentofilePath = path.join(dir, 'bentofile.yaml');
  if (!existsSync(bentofilePath)) throw new ConfigError(`No bentofile.yaml in ${dir}: bento build reads the service and files to build from it`);
  const bentofile = await readBentofile(bentofilePath);

  const graph = graphManifest(await loadServiceTarget(bentofile.service, dir));
  const name = bentofile.name ?? graph.entry.toLowerCase();
  if (!BENTO_NAME.test(name)) {
    throw new ConfigError(`${bentofilePath}: name "${name}" is not a bento name: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit (it becomes an image name)`);
  }
  if (bentofile.docker?.dockerfile && !existsSync(path.join(dir, bentofile.docker.dockerfile))) {
    throw new ConfigError(`${bentofilePath}: docker.dockerfile: no file ${bentofile.docker.dockerfile} beside the bentofile`);
  }

  const workspace = await findWorkspace(dir);
  const collected = await collectFiles(dir, bentofile, workspace);
  // A Dockerfile of one's own travels in the bento (at env/docker/Dockerfile), so containerize needs only the bento.
  const dockerfile = bentofile.docker?.dockerfile ? path.join(dir, bentofile.docker.dockerfile) : undefined;
  const settings: Omit<BentoManifest, 'version' | 'created_at'> = {
    name,
    entry: { target: bentofile.service, service: graph.entry, dir: collected.appDir },
    ...(bentofile.description !== undefined ? { description: bentofile.description } : {}),
    labels: bentofile.labels ?? {},
    envs: bentofile.envs ?? [],
    docker: bentofile.docker ?? {},
    packages: collected.packages,
    services: portableServices(graph.services, workspace.root),
  };
  // Hashed under the path it has in the bento (outside src/), so a changed Dockerfile is a new version.
  const extra = dockerfile ? [{ source: dockerfile, dest: '../env/docker/Dockerfile' }] : [];
  const version = await contentVersion([...collected.files, ...extra], settings);

  const store = new BentoStore(options.home ?? bentoHome());
  if (existsSync(path.join(store.folder(name, version), MANIFEST_FILE))) return { ...(await store.info(name, version)), existed: true };

  const staging = path.join(store.root, name, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    for (const file of collected.files) {
      const target = path.join(staging, SOURCE_DIR, file.dest);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(file.source, target);
      // copyFile keeps the content, not always the mode: bin scripts must stay executable.
      await chmod(target, (await stat(file.source)).mode & 0o777);
    }
    if (dockerfile) {
      await mkdir(path.join(staging, 'env', 'docker'), { recursive: true });
      await copyFile(dockerfile, path.join(staging, 'env', 'docker', 'Dockerfile'));
    }
    const { name: _name, ...rest } = settings;
    // name, version and created_at first: what a reader of bento.yaml looks for.
    const manifest: BentoManifest = { name, version, created_at: new Date().toISOString(), ...rest };
    await writeFile(path.join(staging, MANIFEST_FILE), manifestYaml(manifest));
    const outcome = await store.commit(staging, name, version);
    return { ...(await store.info(name, version)), existed: outcome === 'exists' };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
