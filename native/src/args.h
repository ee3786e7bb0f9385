// Defensive argument reading for the binding. The TypeScript wrapper validates first and
// gives the friendly messages; these checks keep a direct caller from crashing the process.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace bento {

// Throws TypeError "Expected <what> for <name> but received <value>".
[[noreturn]] void throwType(Napi::Env env, const std::string& what, const std::string& name,
                            const Napi::Value& value);
[[noreturn]] void throwRange(Napi::Env env, const std::string& what, const std::string& name,
                             const std::string& received);

// A TypedArray of the given type whose byte length is exactly `bytes` (or any if bytes == 0).
Napi::TypedArray typedArrayArg(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type type,
                               const char* name, size_t bytes);
int32_t intArg(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t lo, int32_t hi);
double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name);
bool boolArg(const Napi::CallbackInfo& info, size_t index, const char* name);

inline const uint8_t* bytesOf(const Napi::TypedArray& a) {
  return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

}  // namespace bento
