// Hands native memory to JS without a copy.
#pragma once
#include <napi.h>

#include <cstddef>

namespace bento {

// Allocates size bytes (at least 1) for a result; std::free releases it.
void* allocResult(size_t size);

// Wraps malloc'd memory in an ArrayBuffer that frees it when collected. Where the runtime
// forbids external buffers (e.g. Electron's memory cage) it copies and frees at once.
Napi::ArrayBuffer adoptBuffer(Napi::Env env, void* data, size_t size);

}  // namespace bento
