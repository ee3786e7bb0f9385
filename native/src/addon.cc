// Registers the binding's functions; the code lives in the files named by each header.
#include <napi.h>

#include "backends.h"
#include "canny_workers.h"
#include "guided_euler.h"
#include "tensor_workers.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("backends", Napi::Function::New(env, bento::Backends, "backends"));
  exports.Set("canny", Napi::Function::New(env, bento::Canny, "canny"));
  exports.Set("imageToTensor", Napi::Function::New(env, bento::ImageToTensor, "imageToTensor"));
  exports.Set("tensorToImage", Napi::Function::New(env, bento::TensorToImage, "tensorToImage"));
  exports.Set("float32ToFloat16", Napi::Function::New(env, bento::Float32ToFloat16, "float32ToFloat16"));
  exports.Set("float16ToFloat32", Napi::Function::New(env, bento::Float16ToFloat32, "float16ToFloat32"));
  exports.Set("guidedEulerStep", Napi::Function::New(env, bento::GuidedEulerStep, "guidedEulerStep"));
  exports.Set("abiVersion", Napi::Number::New(env, 2));
  return exports;
}

}  // namespace

NODE_API_MODULE(bento_native, Init)
