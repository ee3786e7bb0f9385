// Golden list of the public names: changing it is an API decision, made visible here.
import * as api from '../lib';

test('public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'backends',
    'canny',
    'cannyEdgesRgb',
    'cannyEdgesRgbSync',
    'cannySync',
    'float16ToFloat32',
    'float32ToFloat16',
    'guidedEulerStep',
    'imageToTensor',
    'tensorToImage',
  ]);
});
