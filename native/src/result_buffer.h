// Where native results live: in ArrayBuffers that V8 allocates and frees, written in place.
//
// Why not external ArrayBuffers over malloc'd memory: in Node 20 the finalizer of an external
// buffer runs on a later event-loop turn, so a synchronous loop of calls keeps every result
// alive until it yields (measured: RSS grew by the full result size per call). Writing into a
// V8-owned buffer is just as copy-free, and the garbage collector frees it promptly.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace bento {

// A new ArrayBuffer of `size` bytes (at least 1 byte is allocated) and its data pointer.
struct ResultBuffer {
  Napi::ArrayBuffer buffer;
  uint8_t* data;
};
ResultBuffer newResult(Napi::Env env, size_t size);

}  // namespace bento
