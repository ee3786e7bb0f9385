// Reads the OpenCV reference fixtures written by tools/native/make-canny-fixtures.py.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { Image } from '../lib';

export interface CannyCase {
  low: number;
  high: number;
  aperture: 3 | 5 | 7;
  l2gradient: boolean;
  edges: number;
  expected: Uint8Array;
}

export interface CannyFixture {
  name: string;
  image: Image;
  cases: CannyCase[];
}

const dir = path.join(__dirname, 'fixtures', 'canny');

interface Manifest {
  opencv: string;
  images: { name: string; width: number; height: number; channels: number; cases: Omit<CannyCase, 'expected'>[] }[];
}

export const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

export function loadFixtures(): CannyFixture[] {
  return manifest.images.map((m) => {
    const data = new Uint8Array(gunzipSync(readFileSync(path.join(dir, `${m.name}.input.gz`))));
    const expected = new Uint8Array(gunzipSync(readFileSync(path.join(dir, `${m.name}.expected.gz`))));
    const size = m.width * m.height;
    if (data.length !== size * m.channels || expected.length !== size * m.cases.length) {
      throw new Error(`fixture ${m.name} does not match its manifest entry`);
    }
    return {
      name: m.name,
      image: { data, width: m.width, height: m.height, channels: m.channels },
      cases: m.cases.map((c, i) => ({ ...c, expected: expected.subarray(i * size, (i + 1) * size) })),
    };
  });
}

/** Index of the first differing byte, or -1; keeps failure output short. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
