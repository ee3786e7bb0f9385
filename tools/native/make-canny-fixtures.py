#!/usr/bin/python3
"""Writes the Canny reference fixtures for @bento/native's tests.

Every expected output is produced by OpenCV's cv2.Canny (Debian's python3-opencv, 4.x) on the
same uint8 array the test feeds to the addon. Run with Debian's Python (it has cv2):

    /usr/bin/python3 tools/native/make-canny-fixtures.py [--skimage-data DIR]

Photographs come from scikit-image's sample data as shipped by Debian's python3-skimage
(astronaut: NASA, public domain; coffee and chelsea: CC0). Point --skimage-data at that
package's skimage/data folder (default: the installed package, else an extracted .deb).
Files: test/fixtures/canny/manifest.json, <image>.input.gz (raw H x W x C bytes) and
<image>.expected.gz (the expected edge maps of every case, concatenated in manifest order).
"""
import argparse
import gzip
import itertools
import json
import os
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'native', 'test', 'fixtures', 'canny')
DEFAULT_DATA = ['/usr/lib/python3/dist-packages/skimage/data',
                '/tmp/skdeb/usr/lib/python3/dist-packages/skimage/data']


def photo(data_dir, name):
    img = cv2.imread(os.path.join(data_dir, name), cv2.IMREAD_COLOR)
    if img is None:
        sys.exit(f'cannot read {name} in {data_dir}: install python3-skimage or pass --skimage-data')
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def synthetic_shapes(w, h, seed):
    """Photo-free test card: filled shapes, thin lines, a ramp and mild noise."""
    rng = np.random.default_rng(seed)
    img = np.tile(np.linspace(30, 200, w, dtype=np.float32), (h, 1))
    img = cv2.circle(img, (w // 3, h // 2), min(w, h) // 4, 240, -1)
    img = cv2.rectangle(img, (w // 2, h // 5), (w - 5, h - 6), 60, -1)
    img = cv2.line(img, (0, h - 1), (w - 1, 0), 250, 1)
    img = img + rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def images(data_dir):
    rng = np.random.default_rng(20260611)
    astronaut = photo(data_dir, 'astronaut.png')
    coffee = photo(data_dir, 'coffee.png')
    chelsea = photo(data_dir, 'chelsea.png')
    chelsea_small = cv2.resize(chelsea, (97, 64), interpolation=cv2.INTER_AREA)
    alpha = np.tile(np.linspace(0, 255, 97).astype(np.uint8), (64, 1))[..., None]
    yield 'astronaut-rgb-127x95', cv2.resize(astronaut, (127, 95), interpolation=cv2.INTER_AREA)
    yield 'astronaut-gray-200x150', cv2.cvtColor(astronaut[40:190, 150:350], cv2.COLOR_RGB2GRAY)
    yield 'coffee-gray-256x200', cv2.cvtColor(coffee[60:260, 150:406], cv2.COLOR_RGB2GRAY)
    yield 'coffee-rgb-160x121', coffee[100:221, 200:360].copy()
    yield 'chelsea-rgba-97x64', np.concatenate([chelsea_small, alpha], axis=2)
    yield 'shapes-gray-64x48', synthetic_shapes(64, 48, 1)
    yield 'shapes-rgb-65x49', np.stack([synthetic_shapes(65, 49, s) for s in (2, 3, 4)], axis=2)
    yield 'noise-gray-37x53', rng.integers(0, 256, (53, 37), dtype=np.uint8)
    yield 'noise-rgb-33x17', rng.integers(0, 256, (17, 33, 3), dtype=np.uint8)
    yield 'noise-rgba-23x31', rng.integers(0, 256, (31, 23, 4), dtype=np.uint8)
    # Equal channels make every pixel a tie: the first channel must win.
    g = rng.integers(0, 256, (19, 21), dtype=np.uint8)
    yield 'ties-rgb-21x19', np.stack([g, g, g], axis=2)
    yield 'checker-gray-30x30', (np.indices((30, 30)).sum(axis=0) // 5 % 2 * 255).astype(np.uint8)
    yield 'single-1x1', np.array([[7]], dtype=np.uint8)
    yield 'row-gray-37x1', rng.integers(0, 256, (1, 37), dtype=np.uint8)
    yield 'column-gray-1x41', rng.integers(0, 256, (41, 1), dtype=np.uint8)
    yield 'row-rgb-9x1', rng.integers(0, 256, (1, 9, 3), dtype=np.uint8)
    yield 'tiny-rgb-3x2', rng.integers(0, 256, (2, 3, 3), dtype=np.uint8)
    yield 'black-gray-16x16', np.zeros((16, 16), dtype=np.uint8)
    yield 'white-gray-16x16', np.full((16, 16), 255, dtype=np.uint8)
    yield 'white-rgb-17x9', np.full((9, 17, 3), 255, dtype=np.uint8)


# (low, high): OpenCV's usual pair, a sensitive pair, a swapped pair (OpenCV swaps it),
# fractional thresholds (floored), and zeros (every local maximum above 0 is an edge).
THRESHOLDS = [(100, 200), (30, 90), (180, 60), (12.5, 40.7), (0, 0)]


def write_gz(name, data):
    # mtime=0 keeps the files byte-identical between runs.
    with open(os.path.join(OUT, name), 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as f:
        f.write(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--skimage-data')
    args = parser.parse_args()
    data_dir = args.skimage_data or next((d for d in DEFAULT_DATA if os.path.isdir(d)), DEFAULT_DATA[0])
    os.makedirs(OUT, exist_ok=True)
    manifest = {'generator': 'tools/native/make-canny-fixtures.py', 'opencv': cv2.__version__, 'images': []}
    for name, img in images(data_dir):
        img = np.ascontiguousarray(img)
        h, w = img.shape[:2]
        c = 1 if img.ndim == 2 else img.shape[2]
        cases, outputs = [], []
        for aperture, l2, (low, high) in itertools.product((3, 5, 7), (False, True), THRESHOLDS):
            edges = cv2.Canny(img, low, high, apertureSize=aperture, L2gradient=l2)
            assert edges.shape == (h, w) and set(np.unique(edges)) <= {0, 255}
            cases.append({'low': low, 'high': high, 'aperture': aperture, 'l2gradient': l2,
                          'edges': int((edges > 0).sum())})
            outputs.append(edges.tobytes())
        write_gz(f'{name}.input.gz', img.tobytes())
        write_gz(f'{name}.expected.gz', b''.join(outputs))
        manifest['images'].append({'name': name, 'width': w, 'height': h, 'channels': c, 'cases': cases})
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f'wrote {len(manifest["images"])} images to {OUT} ({total / 1024:.0f} KiB)')


if __name__ == '__main__':
    main()
