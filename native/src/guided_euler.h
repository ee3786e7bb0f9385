#pragma once
#include <napi.h>

namespace bento {
// guidedEulerStep(noise, guidance, sigma, dt, sample, out, nextInput?, nextScale)
Napi::Value GuidedEulerStep(const Napi::CallbackInfo& info);
}  // namespace bento
