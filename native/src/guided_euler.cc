// Classifier-free guidance and one Euler step of a diffusion sampler, fused into one pass over the
// latents: the per-step arithmetic of an SDXL denoising loop that is not a model run.
//
// Every operation is a float32 operation, rounded as torch rounds it on float32 tensors: this file
// is compiled with -ffp-contract=off (CMakeLists.txt: no fused multiply-add), so `a + b * c` is a rounded product
// and then a rounded sum, exactly what the TypeScript reference computes with Math.fround. The
// loop still vectorizes (SSE/AVX float lanes round each element the same way).
#include "guided_euler.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "args.h"

namespace bento {

namespace {

// noise holds [unconditional; conditional] rows of n values each.
void guidedEuler(const float* noise, float guidance, float sigma, float dt, const float* sample, float* out,
                 float* nextInput, float nextScale, size_t n) {
  const float* unconditional = noise;
  const float* conditional = noise + n;
  for (size_t i = 0; i < n; i++) {
    const float u = unconditional[i];
    const float epsilon = u + guidance * (conditional[i] - u);
    const float x = sample[i];
    const float predictedOriginal = x - sigma * epsilon;
    const float derivative = (x - predictedOriginal) / sigma;
    const float next = x + derivative * dt;
    out[i] = next;
    if (nextInput != nullptr) nextInput[i] = next / nextScale;
  }
}

// Any finite number (numberArg is for sizes and thresholds, which are never negative; dt is).
float floatArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), "a number", name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throwRange(info.Env(), "a finite number", name, v.ToString().Utf8Value());
  return static_cast<float>(d);
}

}  // namespace

Napi::Value GuidedEulerStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray sample = typedArrayArg(info, 4, napi_float32_array, "sample", 0);
  const size_t n = sample.ElementLength();
  const size_t bytes = n * sizeof(float);
  Napi::TypedArray noise = typedArrayArg(info, 0, napi_float32_array, "noise", 2 * bytes);
  Napi::TypedArray out = typedArrayArg(info, 5, napi_float32_array, "out", bytes);
  float* nextInput = nullptr;
  if (!info[6].IsUndefined()) {
    Napi::TypedArray next = typedArrayArg(info, 6, napi_float32_array, "nextInput", bytes);
    nextInput = reinterpret_cast<float*>(const_cast<uint8_t*>(bytesOf(next)));
  }
  guidedEuler(reinterpret_cast<const float*>(bytesOf(noise)), floatArg(info, 1, "guidance"), floatArg(info, 2, "sigma"),
              floatArg(info, 3, "dt"), reinterpret_cast<const float*>(bytesOf(sample)),
              reinterpret_cast<float*>(const_cast<uint8_t*>(bytesOf(out))), nextInput, floatArg(info, 7, "nextScale"), n);
  return env.Undefined();
}

}  // namespace bento
