// Bad input is a TypeError or RangeError shaped "Expected <what> for <name> but received <value>",
// never a crash; the raw binding defends itself the same way.
import { canny, cannyEdgesRgbSync, cannySync, imageToTensor, tensorToImage, float32ToFloat16 } from '../lib';
import { binding } from '../lib/load-binding';

const gray = () => ({ data: new Uint8Array(12), width: 4, height: 3, channels: 1 });
const ok = { low: 10, high: 20 };
const SHAPE = /^Expected .+ for .+ but received .+$/;

type Case = [string, () => unknown, typeof TypeError | typeof RangeError, RegExp];

const cases: Case[] = [
  ['image not an object', () => cannySync(null as never, ok), TypeError, /for image but received null/],
  ['data not a Uint8Array', () => cannySync({ ...gray(), data: [1, 2] as never }, ok), TypeError, /a Uint8Array for image\.data but received an array of length 2/],
  ['data a Float32Array', () => cannySync({ ...gray(), data: new Float32Array(12) as never }, ok), TypeError, /image\.data but received Float32Array\(12\)/],
  ['width a string', () => cannySync({ ...gray(), width: '4' as never }, ok), TypeError, /an integer for image\.width but received "4"/],
  ['zero width', () => cannySync({ ...gray(), width: 0 }, ok), RangeError, /image\.width but received 0/],
  ['zero height', () => cannySync({ data: new Uint8Array(0), width: 4, height: 0, channels: 1 }, ok), RangeError, /image\.height but received 0/],
  ['fractional height', () => cannySync({ ...gray(), height: 2.5 }, ok), RangeError, /image\.height but received 2\.5/],
  ['2 channels', () => cannySync({ ...gray(), channels: 2 }, ok), RangeError, /one of 1, 3, 4 for image\.channels but received 2/],
  ['size mismatch', () => cannySync({ ...gray(), data: new Uint8Array(11) }, ok), RangeError, /Expected 12 bytes \(4x3x1\) for image\.data\.length but received 11/],
  ['options missing', () => cannySync(gray(), undefined as never), TypeError, /an object for options but received undefined/],
  ['negative low', () => cannySync(gray(), { low: -1, high: 5 }), RangeError, /a finite number >= 0 for options\.low but received -1/],
  ['NaN high', () => cannySync(gray(), { low: 1, high: NaN }), RangeError, /options\.high but received NaN/],
  ['Infinity high', () => cannySync(gray(), { low: 1, high: Infinity }), RangeError, /options\.high but received Infinity/],
  ['low a string', () => cannySync(gray(), { low: '1' as never, high: 2 }), TypeError, /a number for options\.low but received "1"/],
  ['aperture 4', () => cannySync(gray(), { ...ok, aperture: 4 as never }), RangeError, /one of 3, 5, 7 for options\.aperture but received 4/],
  ['aperture 9', () => cannySync(gray(), { ...ok, aperture: 9 as never }), RangeError, /options\.aperture but received 9/],
  ['l2gradient a number', () => cannySync(gray(), { ...ok, l2gradient: 1 as never }), TypeError, /a boolean for options\.l2gradient but received 1/],
  ['unknown backend', () => cannySync(gray(), { ...ok, backend: 'gpu' as never }), RangeError, /one of 'auto', 'cpu', 'cuda' for options\.backend but received "gpu"/],
  ['threads 0', () => cannySync(gray(), { ...ok, threads: 0 }), RangeError, /options\.threads but received 0/],
  ['RGB step given gray', () => cannyEdgesRgbSync(gray(), ok), RangeError, /one of 3 for image\.channels but received 1/],
  ['tensor std 0', () => imageToTensor(gray(), { std: [0] }), RangeError, /non-zero number for options\.std\[0\] but received 0/],
  ['tensor mean too short', () => imageToTensor({ ...gray(), data: new Uint8Array(36), channels: 3 }, { mean: [1] }), TypeError, /an array of 3 numbers for options\.mean but received an array of length 1/],
  ['tensor out wrong type', () => imageToTensor(gray(), { out: new Float32Array(12), dtype: 'float16' }), TypeError, /a Uint16Array for options\.out but received Float32Array\(12\)/],
  ['tensor out wrong size', () => imageToTensor(gray(), { out: new Float32Array(3) }), RangeError, /length 12 for options\.out\.length but received 3/],
  ['tensor shape of 3 dimensions', () => tensorToImage({ dtype: 'float32', shape: [1, 1, 2], data: new Float32Array(4) }), TypeError, /\[1, C, H, W\] for tensor\.shape but received an array of length 3/],
  ['tensor batch of 2', () => tensorToImage({ dtype: 'float32', shape: [2, 1, 2, 2], data: new Float32Array(8) }), RangeError, /an integer in \[1, 1\] for tensor\.shape\[0\] but received 2/],
  ['tensor 5 channels', () => tensorToImage({ dtype: 'float32', shape: [1, 5, 2, 2], data: new Float32Array(20) }), RangeError, /tensor\.shape\[1\] but received 5/],
  ['tensor dtype int8', () => tensorToImage({ dtype: 'int8' as never, shape: [1, 1, 2, 2], data: new Float32Array(4) }), RangeError, /one of 'float32', 'float16' for tensor\.dtype but received "int8"/],
  ['tensor float16 of floats', () => tensorToImage({ dtype: 'float16', shape: [1, 1, 2, 2], data: new Float32Array(4) as never }), TypeError, /a Uint16Array for tensor\.data but received Float32Array\(4\)/],
  ['tensor data length', () => tensorToImage({ dtype: 'float32', shape: [1, 1, 2, 2], data: new Float32Array(5) }), RangeError, /length 4 for tensor\.data\.length but received 5/],
  ['float16 of a plain array', () => float32ToFloat16([1, 2] as never), TypeError, /a Float32Array for values but received an array of length 2/],
];

test.each(cases)('%s', (_name, call, type, message) => {
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(type);
  expect((thrown as Error).message).toMatch(SHAPE);
  expect((thrown as Error).message).toMatch(message);
});

test('the async variant rejects instead of throwing', async () => {
  await expect(canny(gray(), { low: NaN, high: 1 })).rejects.toThrow(RangeError);
});

// Errors thrown by native code belong to Node's main realm, not Jest's sandbox, so these
// checks compare the error's name rather than use instanceof.
function nativeError(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

test('the raw binding rejects bad arguments itself', () => {
  const b = binding();
  const data = new Uint8Array(12);
  const expectError = (name: string, call: () => unknown, message: RegExp = SHAPE) => {
    const e = nativeError(call);
    expect(e.name).toBe(name);
    expect(e.message).toMatch(message);
  };
  expectError('RangeError', () => b.canny(data, 4, 4, 1, 1, 2, 3, false, 1, 1, false, false),
    /^Expected 16 bytes for image\.data\.byteLength but received 12$/);
  expectError('RangeError', () => b.canny(data, 0, 3, 1, 1, 2, 3, false, 1, 1, false, false));
  expectError('RangeError', () => b.canny(data, 4, 3, 1, -1, 2, 3, false, 1, 1, false, false));
  expectError('RangeError', () => b.canny(data, 4, 3, 1, NaN, 2, 3, false, 1, 1, false, false));
  expectError('RangeError', () => b.canny(data, 4, 3, 1, 1, 2, 4, false, 1, 1, false, false));
  expectError('RangeError', () => b.canny(data, 4, 3, 2, 1, 2, 3, false, 1, 1, false, false));
  expectError('TypeError', () => b.canny({} as never, 4, 3, 1, 1, 2, 3, false, 1, 1, false, false));
  expectError('TypeError', () => (b.canny as unknown as () => void)());
  expectError('TypeError', () => b.imageToTensor(data, 4, 3, 1, 1, [0, 0] as never, [1], false, undefined, 1));
  expectError('RangeError', () => b.imageToTensor(data, 4, 3, 1, 1, [0], [1], false, undefined, 0));
  expectError('RangeError', () => b.tensorToImage(new Float32Array(3), 4, 3, 1, 1, [0], [1], false));
  expectError('TypeError', () => b.float16ToFloat32(new Float32Array(2) as never));
});

test('a 1x1 image and a subarray view work (byteOffset respected)', () => {
  expect(Array.from(cannySync({ data: new Uint8Array([9]), width: 1, height: 1, channels: 1 }, ok).data)).toEqual([0]);
  const backing = new Uint8Array(100).fill(3);
  backing.fill(250, 20 + 6, 20 + 12);
  const view = { data: backing.subarray(20, 20 + 36), width: 6, height: 6, channels: 1 };
  const copy = { ...view, data: new Uint8Array(view.data) };
  expect(Array.from(cannySync(view, ok).data)).toEqual(Array.from(cannySync(copy, ok).data));
});
