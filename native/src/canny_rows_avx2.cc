// Row kernels compiled with -mavx2 (CMakeLists.txt); used only when the CPU reports AVX2.
#if defined(BENTO_ROWS_AVX2)
#define BENTO_ROWS_NS avx2
#include "canny_rows.inc"

namespace bento {
const RowKernels* rowKernelsAvx2() { return &avx2::kKernels; }
}  // namespace bento
#else
#include "canny_rows.h"
namespace bento {
const RowKernels* rowKernelsAvx2() { return nullptr; }
}  // namespace bento
#endif
