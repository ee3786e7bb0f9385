#include "external_buffer.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace bento {

void* allocResult(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (!p) throw std::bad_alloc();
  return p;
}

Napi::ArrayBuffer adoptBuffer(Napi::Env env, void* data, size_t size) {
  napi_value result;
  // The finalizer gets the size back through the hint, to undo the accounting below.
  napi_status status = napi_create_external_arraybuffer(
      env, data, size,
      [](napi_env e, void* d, void* hint) {
        std::free(d);
        int64_t ignored;
        napi_adjust_external_memory(e, -static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint)), &ignored);
      },
      reinterpret_cast<void*>(static_cast<uintptr_t>(size)), &result);
  if (status == napi_ok) {
    // Tell V8 how much memory the buffer holds, so that it collects (and frees) results as
    // promptly as its own ArrayBuffers instead of letting hundreds of MiB pile up.
    int64_t ignored;
    napi_adjust_external_memory(env, static_cast<int64_t>(size), &ignored);
    return Napi::ArrayBuffer(env, result);
  }
  // Copy fallback: only for runtimes without external buffers; the pending exception (if any)
  // is cleared so the copy can proceed.
  napi_value ignored;
  napi_get_and_clear_last_exception(env, &ignored);
  Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, size);
  std::memcpy(copy.Data(), data, size);
  std::free(data);
  return copy;
}

}  // namespace bento
