// Marshalling kernels. uint8 input has only 256 values per channel, so the normalisation is
// a table built with the exact formula: bit-identical to it by construction, and the hot
// loop is a load, a table read and a store (memory bound).
#include "tensor.h"

#include <cmath>
#include <cstring>

namespace bento {

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) {  // Inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u | ((absx >> 13) & 0x3ffu) : 0));
  }
  if (absx >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to Inf
  if (absx < 0x38800000u) {
    // Result is subnormal (or zero): shift the full significand into place, then round.
    if (absx < 0x33000000u) return static_cast<uint16_t>(sign);  // below half the smallest
    const uint32_t e = absx >> 23;
    const uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14..24 bits dropped
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  // Normal: rebias the exponent, round the 13 dropped bits to nearest even (a carry may
  // ripple into the exponent, which is exactly right).
  uint32_t h = ((absx - 0x38000000u) >> 13);
  const uint32_t rem = absx & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float halfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t x;
  if (exp == 0x1f) {
    x = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    x = sign;
  } else {  // subnormal half -> normal float
    uint32_t e = 113;
    while (!(mant & 0x400u)) {
      mant <<= 1;
      --e;
    }
    x = sign | (e << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

void floatsToHalves(const float* src, size_t count, uint16_t* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] = floatToHalf(src[i]);
}

void halvesToFloats(const uint16_t* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] = halfToFloat(src[i]);
}

namespace {

// volatile-free but contraction-free: the build passes -ffp-contract=off.
inline float normalize(int x, int c, const Normalization& n) {
  const float scaled = static_cast<float>(x) * n.scale;
  const float centred = scaled - n.mean[c];
  return centred / n.std[c];
}

template <typename T, typename Convert>
void planarFromTable(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                     T* dst, Convert convert) {
  T table[4][256];
  for (int c = 0; c < channels; ++c)
    for (int x = 0; x < 256; ++x) table[c][x] = convert(normalize(x, c, n));
  if (channels == 3) {
    T* d0 = dst;
    T* d1 = dst + pixels;
    T* d2 = dst + 2 * pixels;
    for (size_t p = 0; p < pixels; ++p) {
      d0[p] = table[0][src[3 * p]];
      d1[p] = table[1][src[3 * p + 1]];
      d2[p] = table[2][src[3 * p + 2]];
    }
    return;
  }
  for (int c = 0; c < channels; ++c) {
    T* d = dst + c * pixels;
    const T* t = table[c];
    for (size_t p = 0; p < pixels; ++p) d[p] = t[src[p * channels + c]];
  }
}

inline uint8_t denormalize(float t, int c, const Normalization& n) {
  const float v = (t * n.std[c] + n.mean[c]) / n.scale;
  if (!(v > 0.0f)) return 0;  // also NaN
  if (v >= 255.0f) return 255;
  return static_cast<uint8_t>(std::nearbyint(v));  // default rounding: half to even
}

}  // namespace

void imageToTensorF32(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      float* dst) {
  planarFromTable(src, pixels, channels, n, dst, [](float v) { return v; });
}

void imageToTensorF16(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      uint16_t* dst) {
  planarFromTable(src, pixels, channels, n, dst, floatToHalf);
}

void tensorF32ToImage(const float* src, size_t pixels, int channels, const Normalization& n,
                      uint8_t* dst) {
  for (int c = 0; c < channels; ++c) {
    const float* s = src + c * pixels;
    for (size_t p = 0; p < pixels; ++p) dst[p * channels + c] = denormalize(s[p], c, n);
  }
}

void tensorF16ToImage(const uint16_t* src, size_t pixels, int channels, const Normalization& n,
                      uint8_t* dst) {
  for (int c = 0; c < channels; ++c) {
    const uint16_t* s = src + c * pixels;
    for (size_t p = 0; p < pixels; ++p) dst[p * channels + c] = denormalize(halfToFloat(s[p]), c, n);
  }
}

}  // namespace bento
