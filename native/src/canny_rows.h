// Row kernels of the CPU Canny: Sobel + magnitude (+ channel selection) and non-maximum
// suppression for one image row. canny_rows.inc holds the code; it is compiled twice
// (baseline and AVX2, see CMakeLists.txt) and canny.cc picks one at run time. Both
// compilations use integer arithmetic only, so they give the same bits.
#pragma once
#include <cstdint>

namespace bento {

struct CannyThresholds {
  int32_t low;
  int32_t high;
};

// Caller-owned scratch for one row; sizes in elements.
struct RowScratch {
  void* vs;         // (width + 6) * channels int32 (int16 for apertures 3 and 5)
  void* vd;         // same
  int16_t* dxAll;   // width * channels
  int16_t* dyAll;   // width * channels
  int32_t* magAll;  // width * channels
};

// Magnitude, dx and dy of image row y (mag[-1] and mag[width] must be writable).
using GradientRowFn = void (*)(const uint8_t* src, int width, int height, int y, bool l2gradient,
                               const RowScratch& scratch, int32_t* mag, int16_t* dx, int16_t* dy);

// Classifies row pixels as 0 (none), 1 (weak) or 2 (strong) from three magnitude rows.
using SuppressRowFn = void (*)(const int32_t* prev, const int32_t* cur, const int32_t* next,
                               const int16_t* dx, const int16_t* dy, int width, CannyThresholds t,
                               uint8_t* out);

struct RowKernels {
  GradientRowFn gradient[3][3];  // [aperture 3, 5, 7][channels 1, 3, 4]
  SuppressRowFn suppress;
};

const RowKernels& rowKernelsBaseline();
const RowKernels* rowKernelsAvx2();  // nullptr where not compiled in

}  // namespace bento
