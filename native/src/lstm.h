// The training step of Penwright's char-LSTM, compiled: the same arithmetic
// as src/model/network/sequence-lstm.ts (forward, loss, backward) and
// src/model/training/adam.ts (global-norm clipping, Adam), on flat float
// buffers laid out as src/model/training/parallel/param-layout.ts lays them
// out. No tensors, no allocation per call beyond a per-thread workspace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// Each instruction-set variant is its own shared object compiled from these
// files; its code lives in its own namespace too, so nothing of one variant
// can stand in for another's (see binding.gyp).
#ifndef PW_NS
#define PW_NS penwright_kernel
#endif

namespace PW_NS {

struct Network {
  int vocab = 0;
  int embed = 0;
  std::vector<int> hidden;  // units per layer, bottom first
};

// Where each parameter starts in the flat buffer, in ParamLayout's order:
// embedding [V, E]; per layer W [in, 4H], U [H, 4H], b [4H]; output W [H, V], b [V].
struct Offsets {
  size_t embedding = 0;
  std::vector<size_t> w, u, b;
  size_t outW = 0, outB = 0;
  size_t total = 0;
};

Offsets layoutOf(const Network& net);

// One shard of a batch, time-major: row t * batch + s is time t of sequence s.
struct Shard {
  int batch = 0;
  int steps = 0;
  const int32_t* inputs = nullptr;
  const int32_t* targets = nullptr;
  const int32_t* seeds = nullptr;  // one dropout seed per sequence (may be null without dropout)
  // Polled between time steps: nonzero stops the pass (another thread sets it to cancel).
  const volatile int32_t* abort = nullptr;
};

struct PassResult {
  double loss = 0;  // summed -log p(target), nats
  bool aborted = false;
};

// Scratch floats a pass of this shape needs (the caller caps it: addon.cc).
size_t workspaceFloats(const Network& net, int batch, int steps);

// Allocates this thread's scratch for a pass of this shape up front, so the
// pass itself never allocates; false when the memory is not there.
bool reserveWorkspace(const Network& net, int batch, int steps);

// Writes d(mean loss over the shard)/d(param) into `grads` (every element,
// unless aborted). The caller has checked the sizes and ids and reserved the
// workspace (addon.cc): nothing here throws or allocates, as node-gyp
// compiles without exceptions.
PassResult gradients(const Network& net, const float* params, float* grads, const Shard& shard, double dropout);

// Forward only, no dropout.
PassResult lossSum(const Network& net, const float* params, const Shard& shard);

struct AdamStep {
  double learningRateT;  // lr * sqrt(1 - beta2^t) / (1 - beta1^t)
  double epsilonHat;     // eps * sqrt(1 - beta2^t)
  double beta1;
  double beta2;
  double clipNorm;  // 0: no clipping
};

// Clips `grads` by global norm (in place) and applies one Adam update to
// params, m and v (in place). Returns the norm before clipping.
double adam(float* params, float* grads, float* m, float* v, size_t n, const AdamStep& step);

}  // namespace PW_NS
