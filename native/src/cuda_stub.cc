// Stands in for the CUDA files in a CPU-only build (no nvcc, or BENTO_NATIVE_CUDA=OFF).
#include "cuda_canny.h"

namespace bento {

const CudaStatus& cudaStatus() {
  static const CudaStatus status = [] {
    CudaStatus s;
    s.reason = "@bento/native was built without CUDA (no nvcc found, or BENTO_NATIVE_CUDA=OFF); "
               "rebuild with the CUDA toolkit installed to enable it";
    return s;
  }();
  return status;
}

bool cannyCuda(const uint8_t*, uint8_t*, const CannyParams&, std::string* error) {
  *error = cudaStatus().reason;
  return false;
}

}  // namespace bento
