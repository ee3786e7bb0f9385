/** Files tests leave for people to look at (screenshots), under test-artifacts/, which git ignores. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bento-serve';

/** The path of an artifact named `name`, its folder made. */
export function artifactPath(name: string): string {
  const dir = path.join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
