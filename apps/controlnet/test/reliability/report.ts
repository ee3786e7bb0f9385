/** The figures a reliability test measured, left in test-artifacts/ (git-ignored) for docs/reliability.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ARTIFACTS = path.join(__dirname, '..', '..', '..', '..', 'test-artifacts');

/** Writes `figures` as test-artifacts/<name>.json and returns them. */
export function report<T>(name: string, figures: T): T {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${name}.json`), JSON.stringify(figures, null, 2) + '\n');
  return figures;
}

/** The p-th percentile (0–100) of `values`, rounded to a millisecond. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}
