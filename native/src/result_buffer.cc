#include "result_buffer.h"

namespace bento {

ResultBuffer newResult(Napi::Env env, size_t size) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, size);
  return {buffer, static_cast<uint8_t*>(buffer.Data())};
}

}  // namespace bento
