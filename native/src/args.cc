#include "args.h"

#include <cmath>

namespace bento {
namespace {

std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return v.ToString().Utf8Value();
    case napi_string: return "a string";
    case napi_function: return "a function";
    default:
      if (v.IsTypedArray()) return "a typed array";
      if (v.IsArray()) return "an array";
      return "an object";
  }
}

const char* typedArrayName(napi_typedarray_type t) {
  switch (t) {
    case napi_uint8_array: return "a Uint8Array";
    case napi_uint16_array: return "a Uint16Array";
    case napi_float32_array: return "a Float32Array";
    default: return "a typed array";
  }
}

}  // namespace

void throwType(Napi::Env env, const std::string& what, const std::string& name,
               const Napi::Value& value) {
  throw Napi::TypeError::New(env, "Expected " + what + " for " + name + " but received " + describe(value));
}

void throwRange(Napi::Env env, const std::string& what, const std::string& name,
                const std::string& received) {
  throw Napi::RangeError::New(env, "Expected " + what + " for " + name + " but received " + received);
}

Napi::TypedArray typedArrayArg(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type type,
                               const char* name, size_t bytes) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throwType(info.Env(), typedArrayName(type), name, v);
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (bytes != 0 && a.ByteLength() != bytes)
    throwRange(info.Env(), std::to_string(bytes) + " bytes", std::string(name) + ".byteLength",
               std::to_string(a.ByteLength()));
  return a;
}

int32_t intArg(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t lo, int32_t hi) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), "an integer", name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<int64_t>(d)))
    throwRange(info.Env(), "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
               name, v.ToString().Utf8Value());
  return static_cast<int32_t>(d);
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), "a number", name, v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d == INFINITY)
    throwRange(info.Env(), "a finite number >= 0", name, v.ToString().Utf8Value());
  return d;
}

bool boolArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsBoolean()) throwType(info.Env(), "a boolean", name, v);
  return v.As<Napi::Boolean>().Value();
}

}  // namespace bento
