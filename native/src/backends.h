#pragma once
#include <napi.h>

namespace bento {
// backends(): { cpu: true, cuda: { compiled, available, device?, reason? }, threads }.
Napi::Value Backends(const Napi::CallbackInfo& info);
}  // namespace bento
