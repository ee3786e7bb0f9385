// The CUDA side as the rest of the addon sees it. Implemented in canny.cu + cuda_probe.cu when
// CUDA is compiled in, and by cuda_stub.cc otherwise; no CUDA header leaks out of here.
#pragma once
#include <string>

#include "canny.h"

namespace bento {

struct CudaStatus {
  bool compiled = false;
  bool available = false;
  std::string device;  // name of device 0 when available
  std::string reason;  // why not available
};

// Cached after the first call; safe to call from any thread.
const CudaStatus& cudaStatus();

// Same contract and bits as cannyCpu. Returns false and sets *error on any CUDA failure.
bool cannyCuda(const uint8_t* src, uint8_t* dst, const CannyParams& params, std::string* error);

}  // namespace bento
