import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Bentofile } from '../../config/bentofile';
import { ConfigError } from '../../errors';
import type { BentoFile } from './content-version';
import { selectFiles, type FileSelection } from './select-files';
import { readPackageJson, workspaceDependencies, type Workspace } from './workspace';

/** What a bento's src/ holds, and what it was chosen from. */
export interface CollectedFiles {
  files: BentoFile[];
  /** The app's folder inside src/ (posix; `.` when the app is the project root). */
  appDir: string;
  /** The workspace packages taken besides the app, by name. */
  packages: string[];
}

const posix = (p: string) => p.split(path.sep).join('/');

/** Files a workspace package ships: its package.json `files` list when it has one (as npm packs it), else all but the defaults. */
async function packageSelection(dir: string): Promise<FileSelection> {
  const { files } = await readPackageJson(dir);
  if (!files?.length) return {};
  // build/ holds a machine's compiled addon: an image compiles its own. Tests never run in a bento.
  // Anchored to the package's folder: core's `README.md` is its own, not every README under dist/ or src/.
  const anchored = files.map((p) => (p.startsWith('!') || p.startsWith('/') ? p : `/${p}`));
  return { include: ['/package.json', ...anchored], exclude: ['/build', '**/*.test.*', '**/*.spec.*'], defaultExclude: false };
}

/** A package whose `main` is missing was not built: say so now, not when the image fails to start. */
async function checkBuilt(name: string, dir: string): Promise<void> {
  const { main } = (await readPackageJson(dir)) as { main?: string };
  if (main && !existsSync(path.join(dir, main))) {
    throw new ConfigError(`The workspace package ${name} is not built (${posix(path.join(path.relative(process.cwd(), dir), main))} is missing): build it first, e.g. npx nx run-many -t build`);
  }
}

/**
 * The files of a bento, laid out as in the workspace so `npm ci` installs it from the lockfile:
 * the root package.json and package-lock.json, the app's files its bentofile selects (and its
 * package.json and bentofile.yaml), and every workspace package it depends on, recursively, as it would be packed.
 */
export async function collectFiles(appDir: string, bentofile: Bentofile, workspace: Workspace): Promise<CollectedFiles> {
  const root = workspace.root;
  const files = new Map<string, BentoFile>();
  const add = (dir: string, relative: string) => {
    const dest = posix(path.relative(root, path.join(dir, relative)));
    files.set(dest, { source: path.join(dir, relative), dest });
  };

  if (!existsSync(path.join(root, 'package-lock.json'))) {
    throw new ConfigError(`No package-lock.json in ${root}: a bento installs its dependencies with npm ci from the lockfile; run npm install to make one`);
  }
  add(root, 'package.json');
  add(root, 'package-lock.json');
  // Apps' tsconfig.json files extend it; tsx reads them when it loads the service.
  if (existsSync(path.join(root, 'tsconfig.base.json'))) add(root, 'tsconfig.base.json');

  for (const file of await selectFiles(appDir, { include: bentofile.include, exclude: bentofile.exclude })) add(appDir, file);
  if (existsSync(path.join(appDir, 'package.json'))) add(appDir, 'package.json');
  // `bento serve` without a target reads service: from it: the command `bento deploy` renders.
  add(appDir, 'bentofile.yaml');

  const packages = await workspaceDependencies(workspace, appDir);
  for (const name of packages) {
    const dir = workspace.packages.get(name)!;
    await checkBuilt(name, dir);
    for (const file of await selectFiles(dir, await packageSelection(dir))) add(dir, file);
  }

  const sorted = [...files.values()].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
  return { files: sorted, appDir: posix(path.relative(root, appDir)) || '.', packages };
}
