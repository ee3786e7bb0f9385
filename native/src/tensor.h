// Image <-> tensor marshalling kernels (no JS here). Every value follows one written formula
// in float32, one rounding per operation, so that a plain reference gives the same bits:
//   to tensor:  t = (x * scale - mean[c]) / std[c]
//   to image:   x = clamp(roundHalfEven((t * std[c] + mean[c]) / scale), 0, 255), NaN -> 0
#pragma once
#include <cstddef>
#include <cstdint>

namespace bento {

struct Normalization {
  float scale = 1.0f;
  float mean[4] = {0, 0, 0, 0};
  float std[4] = {1, 1, 1, 1};
};

// H x W x C uint8 (packed) -> 1 x C x H x W, float32 or float16 (IEEE half bits), using up
// to `threads` threads (the bits do not depend on it).
void imageToTensorF32(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      int threads, float* dst);
void imageToTensorF16(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      int threads, uint16_t* dst);

// 1 x C x H x W float32 or float16 -> H x W x C uint8.
void tensorF32ToImage(const float* src, size_t pixels, int channels, const Normalization& n,
                      uint8_t* dst);
void tensorF16ToImage(const uint16_t* src, size_t pixels, int channels, const Normalization& n,
                      uint8_t* dst);

// IEEE 754 binary32 <-> binary16, round to nearest even; NaN stays NaN (quiet).
uint16_t floatToHalf(float f);
float halfToFloat(uint16_t h);
void floatsToHalves(const float* src, size_t count, uint16_t* dst);
void halvesToFloats(const uint16_t* src, size_t count, float* dst);

}  // namespace bento
