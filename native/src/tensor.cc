// Marshalling kernels. uint8 input has only 256 values per channel, so the normalisation is
// a table built with the exact formula: bit-identical to it by construction, and the hot
// loop is a load, a table read and a store (memory bound).
#include "tensor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Splits [0, pixels) into one contiguous range per thread (ranges start on multiples of 16
// so that aligned stores stay aligned); small inputs stay on the calling thread.
template <typename Fn>
void parallelPixels(size_t pixels, int threads, Fn fn) {
  constexpr size_t kMinPerThread = 1 << 16;
  size_t n = std::min<size_t>(std::max(1, threads), std::max<size_t>(1, pixels / kMinPerThread));
  if (n <= 1) {
    fn(size_t(0), pixels);
    return;
  }
  std::vector<std::thread> workers;
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t end = i + 1 == n ? pixels : (pixels * (i + 1) / n) & ~size_t(15);
    if (i + 1 < n) workers.emplace_back(fn, start, end);
    else fn(start, end);
    start = end;
  }
  for (auto& w : workers) w.join();
}

// The three-channel float32 case is the model-input hot path: the 4x larger output is written
// with non-temporal stores (no read-for-ownership of 12 MiB that will not be read back soon).
void rgbToPlanarF32(const uint8_t* src, size_t pixels, const float (*table)[256], float* dst,
                    size_t p0, size_t p1) {
  float* d0 = dst;
  float* d1 = dst + pixels;
  float* d2 = dst + 2 * pixels;
  size_t p = p0;
#if defined(__SSE2__)
  const bool aligned = (reinterpret_cast<uintptr_t>(dst) % 16 == 0) && pixels % 4 == 0;
  if (aligned) {
    for (; p < p1 && p % 4 != 0; ++p) {
      d0[p] = table[0][src[3 * p]];
      d1[p] = table[1][src[3 * p + 1]];
      d2[p] = table[2][src[3 * p + 2]];
    }
    for (; p + 4 <= p1; p += 4) {
      const uint8_t* s = src + 3 * p;
      _mm_stream_ps(d0 + p, _mm_setr_ps(table[0][s[0]], table[0][s[3]], table[0][s[6]], table[0][s[9]]));
      _mm_stream_ps(d1 + p, _mm_setr_ps(table[1][s[1]], table[1][s[4]], table[1][s[7]], table[1][s[10]]));
      _mm_stream_ps(d2 + p, _mm_setr_ps(table[2][s[2]], table[2][s[5]], table[2][s[8]], table[2][s[11]]));
    }
    _mm_sfence();
  }
#endif
  for (; p < p1; ++p) {
    d0[p] = table[0][src[3 * p]];
    d1[p] = table[1][src[3 * p + 1]];
    d2[p] = table[2][src[3 * p + 2]];
  }
}

template <typename T, typename Convert>
void planarFromTable(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                     int threads, T* dst, Convert convert) {
  T table[4][256];
  for (int c = 0; c < channels; ++c)
    for (int x = 0; x < 256; ++x) table[c][x] = convert(normalize(x, c, n));
  parallelPixels(pixels, threads, [&](size_t p0, size_t p1) {
    if constexpr (std::is_same<T, float>::value) {
      if (channels == 3) return rgbToPlanarF32(src, pixels, table, dst, p0, p1);
    }
    for (int c = 0; c < channels; ++c) {
      T* d = dst + c * pixels;
      const T* t = table[c];
      for (size_t p = p0; p < p1; ++p) d[p] = t[src[p * channels + c]];
    }
  });
}

inline uint8_t denormalize(float t, int c, const Normalization& n) {
  const float v = (t * n.std[c] + n.mean[c]) / n.scale;
  if (!(v > 0.0f)) return 0;  // also NaN
  if (v >= 255.0f) return 255;
  return static_cast<uint8_t>(std::nearbyint(v));  // default rounding: half to even
}

}  // namespace

void imageToTensorF32(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      int threads, float* dst) {
  planarFromTable(src, pixels, channels, n, threads, dst, [](float v) { return v; });
}

void imageToTensorF16(const uint8_t* src, size_t pixels, int channels, const Normalization& n,
                      int threads, uint16_t* dst) {
  planarFromTable(src, pixels, channels, n, threads, dst, floatToHalf);
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
