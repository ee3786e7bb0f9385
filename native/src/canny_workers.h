#pragma once
#include <napi.h>

namespace bento {
// canny(data, width, height, channels, low, high, aperture, l2gradient, outChannels, threads,
//       useCuda, async) -> Uint8Array | Promise<Uint8Array>
Napi::Value Canny(const Napi::CallbackInfo& info);
}  // namespace bento
