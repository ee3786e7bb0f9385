// The public API of @bento/native. Adding a name here is a decision: it is a promise to
// keep it. test/api.test.ts lists these names so that a change shows up in review.
export { backends, canny, cannySync, cannyEdgesRgb, cannyEdgesRgbSync } from './canny';
export { imageToTensor, tensorToImage, float32ToFloat16, float16ToFloat32 } from './tensor';
export { guidedEulerStep } from './guided-euler';
export type { GuidedEulerStep } from './guided-euler';
export type {
  Backend,
  Backends,
  CannyOptions,
  EdgeImage,
  Image,
  Normalization,
  Tensor,
  ToTensorOptions,
} from './types';
