// Row kernels for any CPU of the target architecture.
#define BENTO_ROWS_NS baseline
#include "canny_rows.inc"

namespace bento {
const RowKernels& rowKernelsBaseline() { return baseline::kKernels; }
}  // namespace bento
