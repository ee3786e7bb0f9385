import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** One file a bento takes: where it is read from, and its posix path inside the bento's src/. */
export interface BentoFile {
  source: string;
  dest: string;
}

/**
 * The version of a bento: a hash of what it holds — every file's path, content and executable bit,
 * and the manifest's settings (graph, labels, envs, docker) — so the same inputs give the same
 * version on any machine and a rebuild is a no-op, while any change makes a new version.
 * 16 hex digits: short enough for an image tag, 64 bits against collisions in one store.
 */
export async function contentVersion(files: readonly BentoFile[], settings: unknown): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(settings));
  hash.update('\n');
  for (const file of files) {
    const [content, info] = await Promise.all([readFile(file.source), stat(file.source)]);
    const executable = (info.mode & 0o111) !== 0 ? 'x' : '-';
    hash.update(`${file.dest}\0${executable}\0${createHash('sha256').update(content).digest('hex')}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
