#include "backends.h"

#include "canny.h"
#include "cuda_canny.h"

namespace bento {

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CudaStatus& s = cudaStatus();
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", s.compiled);
  cuda.Set("available", s.available);
  if (!s.device.empty()) cuda.Set("device", s.device);
  if (!s.reason.empty()) cuda.Set("reason", s.reason);
  Napi::Object out = Napi::Object::New(env);
  out.Set("cpu", true);
  out.Set("cuda", cuda);
  out.Set("threads", defaultThreadCount());
  return out;
}

}  // namespace bento
