// JS entry point for Canny: arguments become a plain CannyJob on the JS thread; the job runs
// either right there (sync) or on the libuv pool (async) and never touches JS while running.
#include "canny_workers.h"

#include <string>

#include "args.h"
#include "canny.h"
#include "cuda_canny.h"
#include "result_buffer.h"

namespace bento {
namespace {

struct CannyJob {
  CannyParams params;
  const uint8_t* src = nullptr;
  bool cuda = false;
  uint8_t* dst = nullptr;  // inside a JS ArrayBuffer the caller keeps alive
  std::string error;

  // Returns false with `error` set. Touches no JS: safe on a worker thread.
  bool run() {
    if (cuda) return cannyCuda(src, dst, params, &error);
    cannyCpu(src, dst, params);
    return true;
  }
};

class CannyWorker : public Napi::AsyncWorker {
 public:
  CannyWorker(Napi::Env env, CannyJob job, Napi::Object input, Napi::Uint8Array output)
      : Napi::AsyncWorker(env, "bento:canny"), deferred_(Napi::Promise::Deferred::New(env)),
        job_(std::move(job)) {
    // Keep the input and the output (and so their memory, which does not move) alive
    // until the job is done.
    input_ = Napi::Persistent(input);
    output_ = Napi::Persistent(output);
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    if (!job_.run()) SetError(job_.error);
  }
  void OnOK() override { deferred_.Resolve(output_.Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  CannyJob job_;
  Napi::ObjectReference input_;
  Napi::Reference<Napi::Uint8Array> output_;
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
  const size_t dstBytes = pixels * p.outChannels;
  ResultBuffer out = newResult(env, dstBytes);
  job.dst = out.data;
  Napi::Uint8Array edges = Napi::Uint8Array::New(env, dstBytes, out.buffer, 0);

  if (async) {
    auto* worker = new CannyWorker(env, std::move(job), data, edges);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  if (!job.run()) throw Napi::Error::New(env, job.error);
  return edges;
}

}  // namespace bento
