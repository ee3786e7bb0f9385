import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { minimatch } from 'minimatch';

/** Never part of a bento: installed packages are installed again from the lockfile, and git's own files. */
const ALWAYS_EXCLUDED = ['node_modules', '.git'];

/** Left out unless a bentofile's include names them: build outputs and tests do not run in a service. */
export const DEFAULT_EXCLUDE = ['dist', 'test', 'tests', '__tests__', '**/*.test.*', '**/*.spec.*'];

/** What to take from a folder: glob patterns relative to it (a folder's name takes all it holds). */
export interface FileSelection {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Leave out DEFAULT_EXCLUDE too (default true); false for a package's own `files` list. */
  defaultExclude?: boolean;
}

/**
 * Whether `file` (posix, relative) matches `pattern` the way .gitignore reads it: a pattern without
 * a slash matches a name at any depth (a leading slash anchors it to the top), a trailing slash is
 * dropped, and a pattern that matches a folder matches everything under it — so `test/`, `web`,
 * `/build` and `src/**\/*.ts` all mean what they say.
 */
export function matchesPattern(file: string, pattern: string): boolean {
  const anchored = pattern.startsWith('/');
  const trimmed = pattern.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (!trimmed) return false;
  const options = { dot: true, matchBase: !anchored && !trimmed.includes('/') };
  const parts = file.split('/');
  for (let end = parts.length; end > 0; end--) {
    if (minimatch(parts.slice(0, end).join('/'), trimmed, options)) return true;
  }
  return false;
}

/** Every regular file under `root`, as sorted posix paths relative to it, never entering node_modules or .git. */
async function walk(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ALWAYS_EXCLUDED.includes(entry.name)) await visit(child);
      } else if (entry.isFile()) {
        found.push(child);
      }
      // Symbolic links are left out: they may point outside the folder, and an image would copy them dangling.
    }
  };
  await visit('');
  // Sorted by code unit, not locale: the order feeds the content hash and must be the same everywhere.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The files of `root` a selection takes: included, then not excluded; sorted posix paths relative to root. */
export async function selectFiles(root: string, selection: FileSelection = {}): Promise<string[]> {
  const include = selection.include?.length ? selection.include : ['**'];
  const exclude = [...(selection.defaultExclude === false ? [] : DEFAULT_EXCLUDE), ...(selection.exclude ?? [])];
  const negated = include.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const positive = include.filter((p) => !p.startsWith('!'));
  return (await walk(root)).filter(
    (file) =>
      positive.some((p) => matchesPattern(file, p)) &&
      !negated.some((p) => matchesPattern(file, p)) &&
      !exclude.some((p) => matchesPattern(file, p)),
  );
}
