// CPU Canny, bit-identical to OpenCV 4.x cv::Canny (modules/imgproc/src/canny.cpp):
//  - Sobel dx, dy in int16 with BORDER_REPLICATE (canny_rows.inc);
//  - magnitude |dx|+|dy| or dx^2+dy^2; magnitudes outside the image are 0;
//  - multi-channel: per pixel the channel with the largest magnitude (first on ties) supplies
//    magnitude, dx and dy;
//  - non-maximum suppression with OpenCV's fixed-point tan(22.5) test and its asymmetric
//    comparisons (">" on one side, ">=" on the other, except diagonals);
//  - hysteresis: a weak pixel is an edge iff it is 8-connected through weak pixels to a strong
//    one. That set does not depend on traversal order, which is why every thread count (and
//    the CUDA kernel) gives the same bits.
#include "canny.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <limits>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


namespace bento {
namespace {

constexpr uint8_t kNone = 0, kWeak = 1, kEdge = 2;

// Rows of the class map are width + 2 wide with a kNone frame, so neighbours need no checks.
struct Map {
  uint8_t* data;
  int stride;
};

struct Band {
  int row0, row1;                    // image rows [row0, row1)
  std::vector<int32_t> stack;        // map offsets still to flood from
  std::vector<int32_t> borderEdges;  // edges on the band's first/last row
};

int32_t clampToInt(double v) {
  if (v >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(std::floor(v));
}

// AVX2 when the CPU has it; BENTO_NATIVE_ISA=baseline forces the portable kernels (the tests
// use it to check that both give the same bits).
const RowKernels& pickRowKernels() {
  static const RowKernels* best = [] {
    const char* isa = std::getenv("BENTO_NATIVE_ISA");
    if (isa && std::strcmp(isa, "baseline") == 0) return &rowKernelsBaseline();
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    if (rowKernelsAvx2() && __builtin_cpu_supports("avx2")) return rowKernelsAvx2();
#endif
    return &rowKernelsBaseline();
  }();
  return *best;
}

// Row buffers owned by one band; freed with it.
class RowBuffers {
 public:
  RowBuffers(int width, int channels)
      : bytes_(static_cast<size_t>(width + 8) * channels),
        block_(static_cast<unsigned char*>(
            std::malloc(bytes_ * 12 + 12 * (static_cast<size_t>(width) + 2) + 12 * width + 256))) {
    if (!block_) throw std::bad_alloc();
    unsigned char* p = block_;
    auto take = [&](size_t n) {
      void* r = p;
      p += (n + 15) & ~size_t(15);
      return r;
    };
    scratch.vs = take(bytes_ * 4);
    scratch.vd = take(bytes_ * 4);
    scratch.dxAll = static_cast<int16_t*>(take(bytes_ * 2));
    scratch.dyAll = static_cast<int16_t*>(take(bytes_ * 2));
    scratch.magAll = nullptr;
    for (int i = 0; i < 3; ++i) mag[i] = static_cast<int32_t*>(take(4 * (width + 2))) + 1;
    dxy = static_cast<int16_t*>(take(6 * sizeof(int16_t) * static_cast<size_t>(width)));
    for (int i = 0; i < 3; ++i) {
      dx[i] = dxy + 2 * i * width;
      dy[i] = dxy + (2 * i + 1) * width;
    }
  }
  ~RowBuffers() { std::free(block_); }
  RowBuffers(const RowBuffers&) = delete;
  RowBuffers& operator=(const RowBuffers&) = delete;

  RowScratch scratch{};
  int32_t* mag[3];
  int16_t* dx[3];
  int16_t* dy[3];

 private:
  size_t bytes_;
  unsigned char* block_;
  int16_t* dxy = nullptr;
};

// Seeds the flood with the row's strong pixels. Most of a row is not an edge, so 16 classes
// are compared at once and only the set bits of the mask are visited (no branch per pixel).
void pushStrong(const uint8_t* row, int width, int32_t base, std::vector<int32_t>& stack) {
  int j = 0;
#if defined(__SSE2__)
  const __m128i two = _mm_set1_epi8(kEdge);
  for (; j + 16 <= width; j += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, two)));
    while (mask) {
      stack.push_back(base + j + __builtin_ctz(mask));
      mask &= mask - 1;
    }
  }
#endif
  for (; j < width; ++j)
    if (row[j] == kEdge) stack.push_back(base + j);
}

inline bool inRange(int32_t q, int32_t lo, int32_t hi) { return q >= lo && q < hi; }

// Grows edges from the stack through weak pixels whose offsets lie in [lo, hi).
// Edges that touch the first or last row of that range are remembered for the global pass.
void flood(Map map, std::vector<int32_t>& stack, int32_t lo, int32_t hi,
           std::vector<int32_t>* border) {
  const int32_t s = map.stride;
  const int32_t nb[8] = {-s - 1, -s, -s + 1, -1, 1, s - 1, s, s + 1};
  uint8_t* m = map.data;
  while (!stack.empty()) {
    const int32_t p = stack.back();
    stack.pop_back();
    if (border && (p < lo + s || p >= hi - s)) border->push_back(p);
    for (int k = 0; k < 8; ++k) {
      const int32_t q = p + nb[k];
      if (inRange(q, lo, hi) && m[q] == kWeak) {
        m[q] = kEdge;
        stack.push_back(q);
      }
    }
  }
}

void classifyBand(const uint8_t* src, const CannyParams& p, CannyThresholds t, Map map,
                  Band& band) {
  const int w = p.width;
  const RowKernels& k = pickRowKernels();
  const int ai = p.aperture == 7 ? 2 : p.aperture == 5 ? 1 : 0;
  const int ci = p.channels == 4 ? 2 : p.channels == 3 ? 1 : 0;
  const GradientRowFn gradient = k.gradient[ai][ci];
  // Ring of three rows (previous, current, next).
  RowBuffers rb(w, p.channels);
  int32_t** mag = rb.mag;
  int16_t** dx = rb.dx;
  int16_t** dy = rb.dy;
  gradient(src, w, p.height, band.row0 - 1, p.l2gradient, rb.scratch, mag[0], dx[0], dy[0]);
  gradient(src, w, p.height, band.row0, p.l2gradient, rb.scratch, mag[1], dx[1], dy[1]);
  for (int y = band.row0; y < band.row1; ++y) {
    gradient(src, w, p.height, y + 1, p.l2gradient, rb.scratch, mag[2], dx[2], dy[2]);
    uint8_t* row = map.data + static_cast<size_t>(y + 1) * map.stride + 1;
    k.suppress(mag[0], mag[1], mag[2], dx[1], dy[1], w, t, row);
    pushStrong(row, w, (y + 1) * map.stride + 1, band.stack);
    std::rotate(mag, mag + 1, mag + 3);
    std::rotate(dx, dx + 1, dx + 3);
    std::rotate(dy, dy + 1, dy + 3);
  }
  const int32_t lo = (band.row0 + 1) * map.stride, hi = (band.row1 + 1) * map.stride;
  flood(map, band.stack, lo, hi, &band.borderEdges);
}

void writeBand(Map map, const Band& band, int width, int outChannels, uint8_t* dst) {
  for (int y = band.row0; y < band.row1; ++y) {
    const uint8_t* row = map.data + static_cast<size_t>(y + 1) * map.stride + 1;
    uint8_t* out = dst + static_cast<size_t>(y) * width * outChannels;
    if (outChannels == 1) {
      for (int j = 0; j < width; ++j) out[j] = row[j] == kEdge ? 255 : 0;
    } else {
      for (int j = 0; j < width; ++j) {
        const uint8_t v = row[j] == kEdge ? 255 : 0;
        out[3 * j] = v;
        out[3 * j + 1] = v;
        out[3 * j + 2] = v;
      }
    }
  }
}

template <typename Fn>
void runBands(std::vector<Band>& bands, Fn fn) {
  std::vector<std::thread> workers;
  workers.reserve(bands.size() - 1);
  for (size_t i = 1; i < bands.size(); ++i) workers.emplace_back(fn, std::ref(bands[i]));
  fn(bands[0]);
  for (auto& t : workers) t.join();
}

}  // namespace

int defaultThreadCount() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 64u));
}

CannyThresholds cannyThresholds(double low, double high, int aperture, bool l2gradient) {
  if (low > high) std::swap(low, high);
  // The aperture-7 gradient is scaled by 1/16 (sobel_row.h), and so are the thresholds.
  if (aperture == 7) {
    low /= 16.0;
    high /= 16.0;
  }
  if (l2gradient) {
    low = std::min(32767.0, low);
    high = std::min(32767.0, high);
    if (low > 0) low *= low;
    if (high > 0) high *= high;
  }
  return {clampToInt(low), clampToInt(high)};
}

void cannyCpu(const uint8_t* src, uint8_t* dst, const CannyParams& p) {
  const CannyThresholds t = cannyThresholds(p.low, p.high, p.aperture, p.l2gradient);
  const int stride = p.width + 2;
  std::vector<uint8_t> mapBuf(static_cast<size_t>(stride) * (p.height + 2), kNone);
  Map map{mapBuf.data(), stride};

  // Bands of at least 16 rows: below that the thread start costs more than it saves.
  const int maxBands = std::max(1, p.height / 16);
  const int nBands = std::max(1, std::min(p.threads, maxBands));
  std::vector<Band> bands(nBands);
  for (int i = 0; i < nBands; ++i) {
    bands[i].row0 = static_cast<int>(int64_t(p.height) * i / nBands);
    bands[i].row1 = static_cast<int>(int64_t(p.height) * (i + 1) / nBands);
  }
  runBands(bands, [&](Band& b) { classifyBand(src, p, t, map, b); });

  // Edges that reached a band boundary continue into the neighbouring bands.
  if (nBands > 1) {
    std::vector<int32_t> stack;
    for (auto& b : bands) stack.insert(stack.end(), b.borderEdges.begin(), b.borderEdges.end());
    flood(map, stack, 0, static_cast<int32_t>(mapBuf.size()), nullptr);
  }
  runBands(bands, [&](Band& b) { writeBand(map, b, p.width, p.outChannels, dst); });
}

}  // namespace bento
