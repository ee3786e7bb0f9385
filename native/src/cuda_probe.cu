// Reports whether CUDA can run here. Without a GPU the runtime answers with an error code
// (35 without a driver, 100 with a driver and no device): that becomes `reason`, never a crash.
#include <cuda_runtime.h>

#include <mutex>
#include <string>

#include "cuda_canny.h"

namespace bento {

const CudaStatus& cudaStatus() {
  static CudaStatus status;
  static std::once_flag once;
  std::call_once(once, [] {
    status.compiled = true;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
      status.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(err) + " (" +
                      std::to_string(static_cast<int>(err)) + "): " + cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky-free error so later calls start clean
      return;
    }
    if (count == 0) {
      status.reason = "no CUDA device found";
      return;
    }
    cudaDeviceProp prop;
    err = cudaGetDeviceProperties(&prop, 0);
    if (err != cudaSuccess) {
      status.reason = std::string("cudaGetDeviceProperties failed: ") + cudaGetErrorString(err);
      return;
    }
    status.available = true;
    status.device = prop.name;
  });
  return status;
}

}  // namespace bento
