import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { ConfigError } from '../../errors';

/** The npm project an app belongs to: where its lockfile is, and the workspace packages by name. */
export interface Workspace {
  /** The folder of the root package.json (with `workspaces`, or the app's own when it has none). */
  root: string;
  /** Workspace package name → its folder. */
  packages: Map<string, string>;
}

/** A package.json, the parts a build reads. */
export interface PackageJson {
  name?: string;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  files?: string[];
  scripts?: Record<string, string>;
}

export async function readPackageJson(dir: string): Promise<PackageJson> {
  const file = path.join(dir, 'package.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PackageJson;
  } catch (cause) {
    throw new ConfigError(`Cannot read ${file}: ${(cause as Error).message}`);
  }
}

function workspacePatterns(pkg: PackageJson): string[] {
  return Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);
}

/** Folders matching a workspaces pattern (`apps/*`, `native`), one segment at a time. */
async function expandPattern(root: string, pattern: string): Promise<string[]> {
  let dirs = [root];
  for (const segment of pattern.replace(/\/+$/, '').split('/')) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (!/[*?[{]/.test(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.isDirectory() && entry.name !== 'node_modules' && minimatch(entry.name, segment)) next.push(path.join(dir, entry.name));
      }
    }
    dirs = next;
  }
  return dirs.filter((dir) => existsSync(path.join(dir, 'package.json')));
}

/**
 * The workspace `dir` belongs to: the nearest folder above it (or itself) whose package.json
 * declares `workspaces` (its lockfile installs `dir`'s dependencies); else `dir` alone, a project of its own.
 */
export async function findWorkspace(dir: string): Promise<Workspace> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, 'package.json'))) {
      const patterns = workspacePatterns(await readPackageJson(current));
      if (patterns.length > 0) {
        const packages = new Map<string, string>();
        for (const pattern of patterns) {
          for (const packageDir of await expandPattern(current, pattern)) {
            const { name } = await readPackageJson(packageDir);
            if (name) packages.set(name, packageDir);
          }
        }
        return { root: current, packages };
      }
    }
    if (path.dirname(current) === current) return { root: path.resolve(dir), packages: new Map() };
  }
}

/**
 * The workspace packages an app needs at run time: its dependencies that are workspace packages,
 * and theirs, recursively (ControlNet → @bento/app-sdxl → @bento/core, @bento/native). Sorted names.
 */
export async function workspaceDependencies(workspace: Workspace, appDir: string): Promise<string[]> {
  const needed = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    const pkg = await readPackageJson(dir);
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const packageDir = workspace.packages.get(name);
      if (packageDir && !needed.has(name) && path.resolve(packageDir) !== path.resolve(appDir)) {
        needed.add(name);
        await visit(packageDir);
      }
    }
  };
  await visit(appDir);
  return [...needed].sort();
}
