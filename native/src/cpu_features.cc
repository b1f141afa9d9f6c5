// The variant selector. Compiled for baseline x86-64 (no -m flags: see
// binding.gyp), so it runs on any processor and reports which kernel variant
// that processor can run. __builtin_cpu_supports also checks that the OS
// saves the wide registers (XCR0), so "avx512" means usable, not only present.
#include <napi.h>

namespace {

Napi::Value BestVariant(const Napi::CallbackInfo& info) {
  const char* best = "baseline";
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  if (avx512) {
    best = "avx512";
  } else if (avx2) {
    best = "avx2";
  }
#endif
  return Napi::String::New(info.Env(), best);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("bestVariant", Napi::Function::New(env, BestVariant, "bestVariant"));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
