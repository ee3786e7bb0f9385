// JS entry point for Canny: arguments become a plain CannyJob on the JS thread; the job runs
// either right there (sync) or on the libuv pool (async) and never touches JS while running.
#include "canny_workers.h"

#include <cstdlib>
#include <new>
#include <string>

#include "args.h"
#include "canny.h"
#include "cuda_canny.h"
#include "external_buffer.h"

namespace bento {
namespace {

struct CannyJob {
  CannyParams params;
  const uint8_t* src = nullptr;
  bool cuda = false;
  uint8_t* dst = nullptr;
  size_t dstBytes = 0;
  std::string error;

  // Returns false with `error` set; `dst` is owned by the caller afterwards either way.
  bool run() {
    try {
      dst = static_cast<uint8_t*>(allocResult(dstBytes));
    } catch (const std::bad_alloc&) {
      error = "out of memory allocating " + std::to_string(dstBytes) + " bytes for the edges";
      return false;
    }
    if (cuda) return cannyCuda(src, dst, params, &error);
    cannyCpu(src, dst, params);
    return true;
  }
};

Napi::Uint8Array toJs(Napi::Env env, CannyJob& job) {
  Napi::ArrayBuffer buffer = adoptBuffer(env, job.dst, job.dstBytes);
  job.dst = nullptr;  // the ArrayBuffer owns it now
  return Napi::Uint8Array::New(env, job.dstBytes, buffer, 0);
}

class CannyWorker : public Napi::AsyncWorker {
 public:
  CannyWorker(Napi::Env env, CannyJob job, Napi::Object input)
      : Napi::AsyncWorker(env, "bento:canny"), deferred_(Napi::Promise::Deferred::New(env)),
        job_(std::move(job)) {
    // Keeps the input's memory alive (and in place) until the job is done.
    input_ = Napi::Persistent(input);
  }
  ~CannyWorker() override { std::free(job_.dst); }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    if (!job_.run()) SetError(job_.error);
  }
  void OnOK() override { deferred_.Resolve(toJs(Env(), job_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  CannyJob job_;
  Napi::ObjectReference input_;
};

}  // namespace

Napi::Value Canny(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CannyJob job;
  CannyParams& p = job.params;
  p.width = intArg(info, 1, "image.width", 1, 1 << 20);
  p.height = intArg(info, 2, "image.height", 1, 1 << 20);
  p.channels = intArg(info, 3, "image.channels", 1, 4);
  if (p.channels == 2) throwRange(env, "1, 3 or 4", "image.channels", "2");
  // Offsets into the class map are int32.
  if (double(p.width + 2) * double(p.height + 2) >= 2147483647.0)
    throwRange(env, "at most 2^31 pixels", "image", std::to_string(p.width) + "x" + std::to_string(p.height));
  const size_t pixels = size_t(p.width) * size_t(p.height);
  Napi::TypedArray data = typedArrayArg(info, 0, napi_uint8_array, "image.data", pixels * p.channels);
  p.low = numberArg(info, 4, "options.low");
  p.high = numberArg(info, 5, "options.high");
  p.aperture = intArg(info, 6, "options.aperture", 3, 7);
  if (p.aperture % 2 == 0) throwRange(env, "3, 5 or 7", "options.aperture", std::to_string(p.aperture));
  p.l2gradient = boolArg(info, 7, "options.l2gradient");
  p.outChannels = intArg(info, 8, "outChannels", 1, 3);
  if (p.outChannels == 2) throwRange(env, "1 or 3", "outChannels", "2");
  p.threads = intArg(info, 9, "options.threads", 1, 1024);
  job.cuda = boolArg(info, 10, "useCuda");
  const bool async = boolArg(info, 11, "async");
  if (job.cuda && !cudaStatus().available)
    throwRange(env, "an available backend", "options.backend", "'cuda' (" + cudaStatus().reason + ")");
  job.src = bytesOf(data);
  job.dstBytes = pixels * p.outChannels;

  if (async) {
    auto* worker = new CannyWorker(env, std::move(job), data);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  if (!job.run()) {
    std::free(job.dst);
    throw Napi::Error::New(env, job.error);
  }
  return toJs(env, job);
}

}  // namespace bento
