#!/usr/bin/python3
"""OpenCV side of tools/bench/native-canny.mjs: writes the benchmark images and times cv2.Canny.

    /usr/bin/python3 tools/bench/native-canny-opencv.py OUT_DIR REPEATS_SCALE

Prints one JSON object: OpenCV version, photo used, and median milliseconds per case.
"""
import json
import os
import sys
import time

import cv2
import numpy as np

PHOTOS = ['/usr/lib/python3/dist-packages/skimage/data/astronaut.png',
          '/tmp/skdeb/usr/lib/python3/dist-packages/skimage/data/astronaut.png']
SIZES = (512, 1024, 2048)


def base_photo():
    for p in PHOTOS:
        img = cv2.imread(p, cv2.IMREAD_COLOR)
        if img is not None:
            return cv2.cvtColor(img, cv2.COLOR_BGR2RGB), p
    # No photo installed: a procedural stand-in (shapes, texture, noise).
    rng = np.random.default_rng(7)
    img = np.zeros((512, 512, 3), np.uint8)
    for _ in range(60):
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        cv2.circle(img, tuple(int(v) for v in rng.integers(0, 512, 2)), int(rng.integers(5, 80)), c, -1)
    img = cv2.GaussianBlur(img, (5, 5), 1.5)
    return np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8), 'procedural'


def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def hwc3(edges):
    # What ControlNet's annotator does after cv2.Canny (HWC3 of a single-channel map).
    return np.concatenate([edges[:, :, None]] * 3, axis=2)


def main():
    out_dir, scale = sys.argv[1], float(sys.argv[2])
    photo, source = base_photo()
    result = {'opencv': cv2.__version__, 'photo': source, 'cases': {}}
    for size in SIZES:
        rgb = np.ascontiguousarray(cv2.resize(photo, (size, size), interpolation=cv2.INTER_CUBIC))
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        rgb.tofile(os.path.join(out_dir, f'rgb-{size}.raw'))
        gray.tofile(os.path.join(out_dir, f'gray-{size}.raw'))
        repeats = max(5, int(scale * {512: 200, 1024: 60, 2048: 20}[size]))
        for threads_label, n in (('1', 1), ('all', -1)):
            cv2.setNumThreads(n)
            result['cases'][f'gray-{size}-{threads_label}'] = median_ms(lambda: cv2.Canny(gray, 100, 200), repeats)
            result['cases'][f'rgb3-{size}-{threads_label}'] = median_ms(
                lambda: hwc3(cv2.Canny(rgb, 100, 200)), repeats)
    cv2.setNumThreads(-1)
    result['threads_default'] = cv2.getNumThreads()
    print(json.dumps(result))


if __name__ == '__main__':
    main()
