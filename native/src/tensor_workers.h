#pragma once
#include <napi.h>

namespace bento {
// imageToTensor(data, width, height, channels, scale, mean[], std[], float16, out?, threads)
Napi::Value ImageToTensor(const Napi::CallbackInfo& info);
// tensorToImage(data, width, height, channels, scale, mean[], std[], float16)
Napi::Value TensorToImage(const Napi::CallbackInfo& info);
// float32ToFloat16(Float32Array) -> Uint16Array, float16ToFloat32(Uint16Array) -> Float32Array
Napi::Value Float32ToFloat16(const Napi::CallbackInfo& info);
Napi::Value Float16ToFloat32(const Napi::CallbackInfo& info);
}  // namespace bento
