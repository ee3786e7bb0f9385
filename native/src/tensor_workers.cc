// JS entry points for marshalling. Inputs are read in place; results are written in place,
// either into a caller-supplied array (no allocation, no page faults on reuse) or into a new
// ArrayBuffer (see result_buffer.h). These run synchronously: they are memory bound and finish in about the time
// a thread-pool round trip would take.
#include "tensor_workers.h"

#include <string>

#include "args.h"
#include "result_buffer.h"
#include "tensor.h"

namespace bento {
namespace {

struct ImageShape {
  int width, height, channels;
  size_t pixels() const { return size_t(width) * size_t(height); }
};

ImageShape shapeArgs(const Napi::CallbackInfo& info) {
  ImageShape s;
  s.width = intArg(info, 1, "width", 1, 1 << 20);
  s.height = intArg(info, 2, "height", 1, 1 << 20);
  s.channels = intArg(info, 3, "channels", 1, 4);
  return s;
}

Normalization normalizationArgs(const Napi::CallbackInfo& info, size_t at, int channels) {
  Normalization n;
  Napi::Env env = info.Env();
  if (!info[at].IsNumber()) throwType(env, "a number", "options.scale", info[at]);
  n.scale = static_cast<float>(info[at].As<Napi::Number>().DoubleValue());
  const char* names[2] = {"options.mean", "options.std"};
  for (int k = 0; k < 2; ++k) {
    Napi::Value v = info[at + 1 + k];
    if (!v.IsArray() || v.As<Napi::Array>().Length() != static_cast<uint32_t>(channels))
      throwType(env, "an array of " + std::to_string(channels) + " numbers", names[k], v);
    Napi::Array a = v.As<Napi::Array>();
    for (int c = 0; c < channels; ++c) {
      Napi::Value e = a.Get(static_cast<uint32_t>(c));
      if (!e.IsNumber()) throwType(env, "a number", std::string(names[k]) + "[" + std::to_string(c) + "]", e);
      (k == 0 ? n.mean : n.std)[c] = static_cast<float>(e.As<Napi::Number>().DoubleValue());
    }
  }
  return n;
}

}  // namespace

Napi::Value ImageToTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ImageShape s = shapeArgs(info);
  const size_t count = s.pixels() * s.channels;
  Napi::TypedArray src = typedArrayArg(info, 0, napi_uint8_array, "image.data", count);
  const Normalization n = normalizationArgs(info, 4, s.channels);
  const bool half = boolArg(info, 7, "float16");
  const int threads = intArg(info, 9, "options.threads", 1, 1024);
  const size_t elem = half ? 2 : 4;
  const napi_typedarray_type type = half ? napi_uint16_array : napi_float32_array;

  Napi::TypedArray out;
  void* dst;
  if (info.Length() > 8 && !info[8].IsUndefined()) {
    out = typedArrayArg(info, 8, type, "options.out", count * elem);
    dst = static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset();
  } else if (half) {
    out = Napi::Uint16Array::New(env, count);
    dst = out.ArrayBuffer().Data();
  } else {
    out = Napi::Float32Array::New(env, count);
    dst = out.ArrayBuffer().Data();
  }
  if (half) {
    imageToTensorF16(bytesOf(src), s.pixels(), s.channels, n, threads, static_cast<uint16_t*>(dst));
  } else {
    imageToTensorF32(bytesOf(src), s.pixels(), s.channels, n, threads, static_cast<float*>(dst));
  }
  return out;
}

Napi::Value TensorToImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ImageShape s = shapeArgs(info);
  const size_t count = s.pixels() * s.channels;
  const bool half = boolArg(info, 7, "float16");
  Napi::TypedArray src = typedArrayArg(info, 0, half ? napi_uint16_array : napi_float32_array,
                                       "tensor.data", count * (half ? 2 : 4));
  const Normalization n = normalizationArgs(info, 4, s.channels);
  ResultBuffer r = newResult(env, count);
  if (half) {
    tensorF16ToImage(reinterpret_cast<const uint16_t*>(bytesOf(src)), s.pixels(), s.channels, n, r.data);
  } else {
    tensorF32ToImage(reinterpret_cast<const float*>(bytesOf(src)), s.pixels(), s.channels, n, r.data);
  }
  return Napi::Uint8Array::New(env, count, r.buffer, 0);
}

Napi::Value Float32ToFloat16(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray src = typedArrayArg(info, 0, napi_float32_array, "values", 0);
  const size_t count = src.ElementLength();
  Napi::Uint16Array out = Napi::Uint16Array::New(env, count);
  floatsToHalves(reinterpret_cast<const float*>(bytesOf(src)), count, out.Data());
  return out;
}

Napi::Value Float16ToFloat32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray src = typedArrayArg(info, 0, napi_uint16_array, "values", 0);
  const size_t count = src.ElementLength();
  Napi::Float32Array out = Napi::Float32Array::New(env, count);
  halvesToFloats(reinterpret_cast<const uint16_t*>(bytesOf(src)), count, out.Data());
  return out;
}

}  // namespace bento
