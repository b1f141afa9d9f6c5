// The N-API face of the kernel: checks every argument (sizes, types, token
// ids) before any arithmetic touches memory, then runs lstm.cc on the
// caller's buffers in place. Typed arrays may sit on SharedArrayBuffers
// (the gradient workers' shared weights and gradient slots): no copies.
#include <napi.h>

#include <string>
#include <vector>

#include "lstm.h"

#ifndef PW_VARIANT
#define PW_VARIANT "baseline"
#endif

namespace {

using namespace PW_NS;

// The instruction sets this build was compiled for (Eigen's own summary lumps AVX2 and FMA into "AVX").
constexpr const char* kSimd =
#if defined(__AVX512F__)
    "AVX-512, AVX2, FMA, SSE2";
#elif defined(__AVX2__) && defined(__FMA__)
    "AVX2, FMA, SSE2";
#elif defined(__SSE2__)
    "SSE2";
#elif defined(__ARM_NEON)
    "NEON";
#else
    "scalar";
#endif

// Throws a TypeError, unless a JavaScript exception is already pending (a
// getter on the caller's object threw): that one propagates, and throwing a
// second would abort the process.
bool fail(Napi::Env env, const std::string& message) {
  if (!env.IsExceptionPending()) {
    Napi::TypeError::New(env, "penwright-native: " + message).ThrowAsJavaScriptException();
  }
  return false;
}

bool readInt(Napi::Env env, const Napi::Value& value, int lo, int hi, const char* name, int& out) {
  if (env.IsExceptionPending()) return false;
  if (!value.IsNumber()) return fail(env, std::string(name) + " must be a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<int>(d)) return fail(env, std::string(name) + " out of range");
  out = static_cast<int>(d);
  return true;
}

bool readNetwork(Napi::Env env, const Napi::Value& value, Network& net) {
  if (!value.IsObject()) return fail(env, "network must be an object");
  Napi::Object o = value.As<Napi::Object>();
  if (!readInt(env, o.Get("vocab"), 1, 1 << 20, "network.vocab", net.vocab) ||
      !readInt(env, o.Get("embed"), 1, 8192, "network.embed", net.embed)) {
    return false;
  }
  Napi::Value hidden = o.Get("hidden");
  if (env.IsExceptionPending()) return false;
  if (!hidden.IsArray()) return fail(env, "network.hidden must be an array");
  Napi::Array h = hidden.As<Napi::Array>();
  if (h.Length() < 1 || h.Length() > 8) return fail(env, "network sizes out of range");
  net.hidden.clear();
  for (uint32_t i = 0; i < h.Length(); i++) {
    Napi::Value units = h.Get(i);
    if (env.IsExceptionPending()) return false;
    if (!units.IsNumber()) return fail(env, "hidden sizes must be numbers");
    int n = 0;
    if (!readInt(env, units, 1, 8192, "hidden size", n)) return false;
    net.hidden.push_back(n);
  }
  return true;
}

template <typename T>
bool readArray(Napi::Env env, const Napi::Value& value, napi_typedarray_type type, size_t length, const char* name,
               T*& data) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    return fail(env, std::string(name) + (type == napi_float32_array ? " must be a Float32Array" : " must be an Int32Array"));
  }
  // napi_get_typedarray_info gives the data pointer for typed arrays on a
  // SharedArrayBuffer too (napi_get_arraybuffer_info refuses those)
  napi_typedarray_type actual;
  size_t elements = 0;
  void* pointer = nullptr;
  if (napi_get_typedarray_info(env, value, &actual, &elements, &pointer, nullptr, nullptr) != napi_ok) {
    return fail(env, std::string(name) + " could not be read");
  }
  if (elements != length) {
    return fail(env, std::string(name) + " has " + std::to_string(elements) + " elements, expected " +
                         std::to_string(length));
  }
  data = static_cast<T*>(pointer);
  return true;
}

// The ids are copied before they are checked, and the copies are what the pass
// reads: the caller's memory (shared with other threads, or overlapping the
// gradients it writes) cannot change them after the check.
struct ShardCopy {
  std::vector<int32_t> inputs, targets, seeds;
};
thread_local ShardCopy shardCopy;

bool copyIds(Napi::Env env, const int32_t* ids, size_t n, int vocab, const char* name, std::vector<int32_t>& out) {
  out.assign(ids, ids + n);
  for (int32_t id : out) {
    if (id < 0 || id >= vocab) return fail(env, std::string(name) + " holds an id outside the vocabulary");
  }
  return true;
}

// Scratch memory one pass may use; a shard needing more is refused before anything is allocated.
constexpr size_t kMaxWorkspaceBytes = size_t{2} << 30;

// (inputs, targets, batch, steps) at info[first..]: the shard checked and copied, its scratch reserved.
bool readShard(const Napi::CallbackInfo& info, size_t first, const Network& net, Shard& shard) {
  Napi::Env env = info.Env();
  if (!readInt(env, info[first + 2], 1, 1 << 16, "batch", shard.batch) ||
      !readInt(env, info[first + 3], 1, 1 << 16, "steps", shard.steps)) {
    return false;
  }
  const size_t n = static_cast<size_t>(shard.batch) * shard.steps;
  if (n > (1u << 24)) return fail(env, "shard too large");
  const int32_t* inputs = nullptr;
  const int32_t* targets = nullptr;
  if (!readArray(env, info[first], napi_int32_array, n, "inputs", inputs) ||
      !readArray(env, info[first + 1], napi_int32_array, n, "targets", targets) ||
      !copyIds(env, inputs, n, net.vocab, "inputs", shardCopy.inputs) ||
      !copyIds(env, targets, n, net.vocab, "targets", shardCopy.targets)) {
    return false;
  }
  shard.inputs = shardCopy.inputs.data();
  shard.targets = shardCopy.targets.data();
  const size_t bytes = workspaceFloats(net, shard.batch, shard.steps) * sizeof(float);
  if (bytes > kMaxWorkspaceBytes) {
    return fail(env, "this shard needs " + std::to_string(bytes >> 20) + " MB of scratch memory (at most " +
                         std::to_string(kMaxWorkspaceBytes >> 20) + " MB)");
  }
  if (!reserveWorkspace(net, shard.batch, shard.steps)) {
    Napi::Error::New(env, "penwright-native: out of memory for this shard's scratch").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// Optional abort flag: an Int32Array (on a SharedArrayBuffer, set by another thread) polled between time steps.
bool readAbort(const Napi::CallbackInfo& info, size_t at, Shard& shard) {
  if (info.Length() <= at || info[at].IsUndefined() || info[at].IsNull()) return true;
  Napi::Env env = info.Env();
  if (!info[at].IsTypedArray() || info[at].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    return fail(env, "abort must be an Int32Array");
  }
  const int32_t* flag = nullptr;
  if (!readArray(env, info[at], napi_int32_array, info[at].As<Napi::TypedArray>().ElementLength(), "abort", flag)) {
    return false;
  }
  if (info[at].As<Napi::TypedArray>().ElementLength() < 1) return fail(env, "abort must hold one element");
  shard.abort = flag;
  return true;
}

bool overlap(const void* a, size_t aBytes, const void* b, size_t bBytes) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  return x < y + bBytes && y < x + aBytes;
}

Napi::Value result(Napi::Env env, const PassResult& r) {
  // null: the abort flag stopped the pass (the caller cancelled)
  return r.aborted ? env.Null() : Napi::Number::New(env, r.loss);
}

// gradients(network, params, grads, inputs, targets, batch, steps, dropout, seeds, abort?) -> summed loss, or null if aborted
Napi::Value Gradients(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Network net;
  if (info.Length() < 9) return fail(env, "gradients takes 9 arguments"), env.Undefined();
  if (!readNetwork(env, info[0], net)) return env.Undefined();
  const size_t total = layoutOf(net).total;
  float* params = nullptr;
  float* grads = nullptr;
  Shard shard;
  if (!readArray(env, info[1], napi_float32_array, total, "params", params) ||
      !readArray(env, info[2], napi_float32_array, total, "grads", grads) || !readShard(info, 3, net, shard)) {
    return env.Undefined();
  }
  if (!info[7].IsNumber()) return fail(env, "dropout must be a number"), env.Undefined();
  const double dropout = info[7].As<Napi::Number>().DoubleValue();
  if (!(dropout >= 0 && dropout < 1)) return fail(env, "dropout must be in [0, 1)"), env.Undefined();
  if (dropout > 0) {
    const int32_t* seeds = nullptr;
    if (!readArray(env, info[8], napi_int32_array, static_cast<size_t>(shard.batch), "seeds", seeds)) {
      return env.Undefined();
    }
    shardCopy.seeds.assign(seeds, seeds + shard.batch);
    shard.seeds = shardCopy.seeds.data();
  }
  if (overlap(params, total * 4, grads, total * 4)) {
    return fail(env, "params and grads must not share memory"), env.Undefined();
  }
  if (!readAbort(info, 9, shard)) return env.Undefined();
  return result(env, gradients(net, params, grads, shard, dropout));
}

// lossSum(network, params, inputs, targets, batch, steps, abort?) -> summed loss (no dropout), or null if aborted
Napi::Value LossSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Network net;
  if (info.Length() < 6) return fail(env, "lossSum takes 6 arguments"), env.Undefined();
  if (!readNetwork(env, info[0], net)) return env.Undefined();
  float* params = nullptr;
  Shard shard;
  if (!readArray(env, info[1], napi_float32_array, layoutOf(net).total, "params", params) ||
      !readShard(info, 2, net, shard) || !readAbort(info, 6, shard)) {
    return env.Undefined();
  }
  return result(env, lossSum(net, params, shard));
}

double numberField(Napi::Object o, const char* key, bool& ok) {
  Napi::Value v = o.Get(key);
  if (o.Env().IsExceptionPending() || !v.IsNumber()) {
    ok = false;
    return 0;
  }
  return v.As<Napi::Number>().DoubleValue();
}

// adam(params, grads, m, v, {learningRateT, epsilonHat, beta1, beta2, clipNorm}) -> norm before clipping
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsTypedArray() || !info[4].IsObject()) {
    return fail(env, "adam takes (params, grads, m, v, options)"), env.Undefined();
  }
  const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float *params = nullptr, *grads = nullptr, *m = nullptr, *v = nullptr;
  if (!readArray(env, info[0], napi_float32_array, n, "params", params) ||
      !readArray(env, info[1], napi_float32_array, n, "grads", grads) ||
      !readArray(env, info[2], napi_float32_array, n, "m", m) || !readArray(env, info[3], napi_float32_array, n, "v", v)) {
    return env.Undefined();
  }
  Napi::Object o = info[4].As<Napi::Object>();
  bool ok = true;
  AdamStep step{numberField(o, "learningRateT", ok), numberField(o, "epsilonHat", ok), numberField(o, "beta1", ok),
                numberField(o, "beta2", ok), numberField(o, "clipNorm", ok)};
  if (!ok) return fail(env, "adam options need learningRateT, epsilonHat, beta1, beta2, clipNorm"), env.Undefined();
  const float* arrays[] = {params, grads, m, v};
  for (int i = 0; i < 4; i++) {
    for (int j = i + 1; j < 4; j++) {
      if (overlap(arrays[i], n * 4, arrays[j], n * 4)) {
        return fail(env, "params, grads, m and v must not share memory"), env.Undefined();
      }
    }
  }
  return Napi::Number::New(env, adam(params, grads, m, v, n, step));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gradients", Napi::Function::New(env, Gradients, "gradients"));
  exports.Set("lossSum", Napi::Function::New(env, LossSum, "lossSum"));
  exports.Set("adam", Napi::Function::New(env, Adam, "adam"));
  exports.Set("variant", Napi::String::New(env, PW_VARIANT));
  exports.Set("simd", Napi::String::New(env, kSimd));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
