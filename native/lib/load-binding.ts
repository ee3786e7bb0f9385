// The one file that loads the compiled addon. Everything else goes through index.ts.
import path from 'node:path';

/** The raw functions the C++ addon exports (positional, already-validated arguments). */
export interface NativeBinding {
  abiVersion: number;
  backends(): {
    cpu: true;
    cuda: { compiled: boolean; available: boolean; device?: string; reason?: string };
    threads: number;
  };
  canny(
    data: Uint8Array, width: number, height: number, channels: number,
    low: number, high: number, aperture: number, l2gradient: boolean,
    outChannels: number, threads: number, useCuda: boolean, async: false,
  ): Uint8Array;
  canny(
    data: Uint8Array, width: number, height: number, channels: number,
    low: number, high: number, aperture: number, l2gradient: boolean,
    outChannels: number, threads: number, useCuda: boolean, async: true,
  ): Promise<Uint8Array>;
  imageToTensor(
    data: Uint8Array, width: number, height: number, channels: number,
    scale: number, mean: number[], std: number[], float16: boolean,
    out: Float32Array | Uint16Array | undefined, threads: number,
  ): Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>;
  tensorToImage(
    data: Float32Array | Uint16Array, width: number, height: number, channels: number,
    scale: number, mean: number[], std: number[], float16: boolean,
  ): Uint8Array;
  float32ToFloat16(values: Float32Array): Uint16Array<ArrayBuffer>;
  float16ToFloat32(values: Uint16Array): Float32Array<ArrayBuffer>;
  guidedEulerStep(
    noise: Float32Array, guidance: number, sigma: number, dt: number,
    sample: Float32Array, out: Float32Array, nextInput: Float32Array | undefined, nextScale: number,
  ): void;
}

const EXPECTED_ABI = 2;

// Relative to this file, which lives in lib/ (tests) or dist/ (built): both sit in native/.
const packageRoot = path.resolve(__dirname, '..');

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.BENTO_NATIVE_BINARY) list.push(path.resolve(process.env.BENTO_NATIVE_BINARY));
  list.push(path.join(packageRoot, 'build', 'Release', 'bento_native.node'));
  list.push(path.join(packageRoot, 'build', 'Debug', 'bento_native.node'));
  return list;
}

/** Loads the first of `files` that works; exported for the loader's own test. */
export function loadFirst(files: readonly string[]): NativeBinding {
  const failures: string[] = [];
  for (const file of files) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const binding = require(file) as NativeBinding;
      if (binding.abiVersion !== EXPECTED_ABI) {
        failures.push(`${file}: built from other sources (abiVersion ${binding.abiVersion}, expected ${EXPECTED_ABI})`);
        continue;
      }
      return binding;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      failures.push(`${file}: ${e.code === 'MODULE_NOT_FOUND' ? 'not found' : e.message}`);
    }
  }
  throw new Error(
    [
      'Could not load the @bento/native addon. Tried:',
      ...failures.map((f) => `  - ${f}`),
      'To fix it:',
      '  - build it: `npx nx run native:build-native` (or `npm rebuild @bento/native`);',
      '    this needs CMake >= 3.18 and a C++17 compiler (g++ or clang++); CUDA is optional;',
      '  - or point BENTO_NATIVE_BINARY at a bento_native.node built for this Node-API 8 platform',
      `    (${process.platform}-${process.arch}).`,
      'See docs/native.md.',
    ].join('\n'),
  );
}

let cached: NativeBinding | undefined;

/** Loads the addon once; throws one error listing every path tried and how to fix it. */
export function binding(): NativeBinding {
  cached ??= loadFirst(candidates());
  return cached;
}
