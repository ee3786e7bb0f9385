#include "external_buffer.h"

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
  napi_status status = napi_create_external_arraybuffer(
      env, data, size, [](napi_env, void* d, void*) { std::free(d); }, nullptr, &result);
  if (status == napi_ok) return Napi::ArrayBuffer(env, result);
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
