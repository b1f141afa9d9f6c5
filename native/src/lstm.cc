// See lstm.h. The passes mirror src/model/network/sequence-lstm.ts step for
// step; read the two side by side. Matrices are row-major maps over flat
// buffers; rows are time-major (row t * B + s), so the rows of one time step
// are contiguous and every product below is one Eigen GEMM.
#include "lstm.h"

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>

namespace PW_NS {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Mat = Eigen::Map<RowMatrix>;
using ConstMat = Eigen::Map<const RowMatrix>;
using Arr = Eigen::Map<Eigen::ArrayXf>;
using ConstArr = Eigen::Map<const Eigen::ArrayXf>;
using RowVec = Eigen::Map<Eigen::RowVectorXf>;
using ConstRowVec = Eigen::Map<const Eigen::RowVectorXf>;
using Index = Eigen::Index;

// A buffer that keeps its size between calls: a training step needs tens of
// megabytes of scratch, and fresh pages would cost a page fault each. It never
// throws: a failed allocation leaves it empty and get() returns null
// (reserveWorkspace allocates everything before a pass, and checks).
struct Buffer {
  std::unique_ptr<float[]> data;
  size_t size = 0;
  float* get(size_t n) {
    if (size < n) {
      data.reset(new (std::nothrow) float[n]);
      size = data ? n : 0;
    }
    return data.get();
  }
  float* ptr() const { return data.get(); }
};

struct LayerBuffers {
  Buffer a;     // gate activations [N, 4H]: sigmoid for i, f, o; tanh for g
  Buffer c;     // cell states [N, H]
  Buffer tc;    // tanh of the cell states [N, H]
  Buffer h;     // outputs [N, H]
  Buffer mask;  // dropout mask applied to h [N, H] (layers below the top, training only)
  Buffer x;     // h * mask: what the next layer reads [N, H]
};

// One per thread: each gradient worker is a thread of its own.
struct Workspace {
  std::vector<LayerBuffers> layers;
  Buffer table, logits, dz, dh, dx, dhNext, dcNext, byToken;
};

thread_local Workspace workspace;

// mulberry32, bit for bit as src/model/rng.ts, so dropout masks match the wasm path's.
struct Mulberry32 {
  uint32_t s;
  explicit Mulberry32(uint32_t seed) : s(seed) {}
  double next() {
    uint32_t t = (s += 0x6d2b79f5u);
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
};

// As sequence-lstm.ts: layer l's stream for a window starts at seed + l * 7919.
constexpr int64_t kDropoutLayerSeedStride = 7919;

void dropoutMask(float* mask, int steps, int batch, int hidden, double rate, const int32_t* seeds, int layer) {
  const double keep = 1.0 - rate;
  const float scale = static_cast<float>(1.0 / keep);
  for (int s = 0; s < batch; s++) {
    Mulberry32 rng(static_cast<uint32_t>(static_cast<int64_t>(seeds[s]) + kDropoutLayerSeedStride * layer));
    for (int t = 0; t < steps; t++) {
      float* row = mask + (static_cast<size_t>(t) * batch + s) * hidden;
      for (int j = 0; j < hidden; j++) row[j] = rng.next() < keep ? scale : 0.0f;
    }
  }
}

bool aborted(const Shard& shard) { return shard.abort != nullptr && *shard.abort != 0; }

struct LayerInput {
  const float* x = nullptr;       // dense input [N, in], or null: layer 0 reads ids
  const int32_t* ids = nullptr;   // token ids [N] (layer 0)
  const float* embedding = nullptr;  // [V, E] (layer 0)
  int width = 0;                  // in
};

// Returns false when the shard's abort flag stopped it.
bool layerForward(const LayerInput& in, const float* w, const float* u, const float* bias, int hidden, int batch,
                  int steps, int vocab, const Shard& shard, LayerBuffers& buf) {
  const Index n = static_cast<Index>(batch) * steps;
  const int g4 = 4 * hidden;
  float* a = buf.a.get(n * g4);
  float* c = buf.c.get(n * hidden);
  float* tc = buf.tc.get(n * hidden);
  float* h = buf.h.get(n * hidden);
  Mat A(a, n, g4);
  ConstMat W(w, in.width, g4);
  ConstMat U(u, hidden, g4);
  ConstRowVec b(bias, g4);
  if (in.x) {
    A.noalias() = ConstMat(in.x, n, in.width) * W;
    A.rowwise() += b;
  } else {
    // layer 0: the input projection of a token is a row of embedding @ W + b
    Mat table(workspace.table.get(static_cast<size_t>(vocab) * g4), vocab, g4);
    table.noalias() = ConstMat(in.embedding, vocab, in.width) * W;
    table.rowwise() += b;
    for (Index r = 0; r < n; r++) std::memcpy(a + r * g4, table.data() + in.ids[r] * static_cast<Index>(g4), g4 * 4);
  }
  for (int t = 0; t < steps; t++) {
    if (aborted(shard)) return false;
    float* at = a + static_cast<Index>(t) * batch * g4;
    if (t > 0) Mat(at, batch, g4).noalias() += ConstMat(h + static_cast<Index>(t - 1) * batch * hidden, batch, hidden) * U;
    for (int s = 0; s < batch; s++) {
      const Index row = static_cast<Index>(t) * batch + s;
      float* z = a + row * g4;
      Arr(z, 2 * hidden) = Arr(z, 2 * hidden).logistic();  // i, f
      Arr(z + 2 * hidden, hidden) = Arr(z + 2 * hidden, hidden).tanh();  // g
      Arr(z + 3 * hidden, hidden) = Arr(z + 3 * hidden, hidden).logistic();  // o
      ConstArr i(z, hidden), f(z + hidden, hidden), g(z + 2 * hidden, hidden), o(z + 3 * hidden, hidden);
      Arr cr(c + row * hidden, hidden);
      if (t > 0) {
        cr = f * ConstArr(c + (row - batch) * hidden, hidden) + i * g;
      } else {
        cr = i * g;
      }
      Arr tcr(tc + row * hidden, hidden);
      tcr = cr.tanh();
      Arr(h + row * hidden, hidden) = o * tcr;
    }
  }
  return true;
}

struct LayerGradients {
  float* w;  // [in, 4H]
  float* u;  // [H, 4H]
  float* b;  // [4H]
  float* dx;  // dense: d(input) [N, in]; layer 0: d(embedding) [V, E]
};

// dh: d(loss)/d(h) of this layer [N, H] (already through its dropout mask).
// Returns false when the shard's abort flag stopped it.
bool layerBackward(const LayerInput& in, LayerBuffers& buf, const float* dh, const float* w, const float* u, int hidden,
                   int batch, int steps, int vocab, const Shard& shard, const LayerGradients& out) {
  const Index n = static_cast<Index>(batch) * steps;
  const int g4 = 4 * hidden;
  const float* a = buf.a.ptr();
  const float* c = buf.c.ptr();
  const float* tc = buf.tc.ptr();
  const float* h = buf.h.ptr();
  float* dz = workspace.dz.get(n * g4);
  float* dhNext = workspace.dhNext.get(static_cast<size_t>(batch) * hidden);
  float* dcNext = workspace.dcNext.get(static_cast<size_t>(batch) * hidden);
  ConstMat U(u, hidden, g4);
  Eigen::ArrayXf dhT(hidden), dc(hidden);
  for (int t = steps - 1; t >= 0; t--) {
    if (aborted(shard)) return false;
    const bool last = t == steps - 1;
    for (int s = 0; s < batch; s++) {
      const Index row = static_cast<Index>(t) * batch + s;
      const float* z = a + row * g4;
      ConstArr i(z, hidden), f(z + hidden, hidden), g(z + 2 * hidden, hidden), o(z + 3 * hidden, hidden);
      ConstArr tcr(tc + row * hidden, hidden);
      Arr dcN(dcNext + static_cast<Index>(s) * hidden, hidden);
      if (last) {
        dhT = ConstArr(dh + row * hidden, hidden);
        dc = dhT * o * (1.0f - tcr.square());
      } else {
        dhT = ConstArr(dh + row * hidden, hidden) + ConstArr(dhNext + static_cast<Index>(s) * hidden, hidden);
        dc = dcN + dhT * o * (1.0f - tcr.square());
      }
      float* dzr = dz + row * g4;
      Arr(dzr, hidden) = dc * g * i * (1.0f - i);
      if (t > 0) {
        Arr(dzr + hidden, hidden) = dc * ConstArr(c + (row - batch) * hidden, hidden) * f * (1.0f - f);
      } else {
        Arr(dzr + hidden, hidden).setZero();
      }
      Arr(dzr + 2 * hidden, hidden) = dc * i * (1.0f - g.square());
      Arr(dzr + 3 * hidden, hidden) = dhT * tcr * o * (1.0f - o);
      dcN = dc * f;
    }
    if (t > 0) {
      Mat(dhNext, batch, hidden).noalias() = ConstMat(dz + static_cast<Index>(t) * batch * g4, batch, g4) * U.transpose();
    }
  }
  ConstMat dZ(dz, n, g4);
  // dU = h_{t-1}^T dz_t summed over t: h rows 0..(T-1)B against dz rows B..TB
  Mat dU(out.u, hidden, g4);
  if (steps > 1) {
    const Index rows = n - batch;
    dU.noalias() = ConstMat(h, rows, hidden).transpose() * ConstMat(dz + static_cast<Index>(batch) * g4, rows, g4);
  } else {
    dU.setZero();
  }
  RowVec(out.b, g4) = dZ.colwise().sum();
  ConstMat W(w, in.width, g4);
  if (in.x) {
    Mat(out.w, in.width, g4).noalias() = ConstMat(in.x, n, in.width).transpose() * dZ;
    Mat(out.dx, n, in.width).noalias() = dZ * W.transpose();
  } else {
    // x = embedding[ids]: sum dz by token once, then everything is [V, ...] sized
    Mat byToken(workspace.byToken.get(static_cast<size_t>(vocab) * g4), vocab, g4);
    byToken.setZero();
    for (Index r = 0; r < n; r++) byToken.row(in.ids[r]) += dZ.row(r);
    Mat(out.w, in.width, g4).noalias() = ConstMat(in.embedding, vocab, in.width).transpose() * byToken;
    Mat(out.dx, vocab, in.width).noalias() = byToken * W.transpose();
  }
  return true;
}

// Runs every layer forward; returns the top layer's output [N, Htop], or null when aborted.
const float* forwardLayers(const Network& net, const Offsets& o, const float* params, const Shard& shard,
                           double dropout) {
  const int layers = static_cast<int>(net.hidden.size());
  const Index n = static_cast<Index>(shard.batch) * shard.steps;
  LayerInput in;
  in.ids = shard.inputs;
  in.embedding = params + o.embedding;
  in.width = net.embed;
  for (int l = 0; l < layers; l++) {
    LayerBuffers& buf = workspace.layers[l];
    const int hidden = net.hidden[l];
    if (!layerForward(in, params + o.w[l], params + o.u[l], params + o.b[l], hidden, shard.batch, shard.steps,
                      net.vocab, shard, buf)) {
      return nullptr;
    }
    const float* x = buf.h.ptr();
    if (dropout > 0 && l < layers - 1) {
      float* mask = buf.mask.get(n * hidden);
      dropoutMask(mask, shard.steps, shard.batch, hidden, dropout, shard.seeds, l);
      float* dropped = buf.x.get(n * hidden);
      Arr(dropped, n * hidden) = ConstArr(x, n * hidden) * ConstArr(mask, n * hidden);
      x = dropped;
    }
    in = LayerInput{};
    in.x = x;
    in.width = hidden;
  }
  return in.x;
}

// logits = top @ W + b; returns the summed -log p(target). With `dLogits`,
// writes (softmax - onehot) / N there (the gradient of the mean loss).
double outputLayer(const Network& net, const Offsets& o, const float* params, const float* top, const Shard& shard,
                   float* dLogits) {
  const Index n = static_cast<Index>(shard.batch) * shard.steps;
  const int width = net.hidden.back();
  const int vocab = net.vocab;
  Mat logits(dLogits ? dLogits : workspace.logits.get(n * vocab), n, vocab);
  logits.noalias() = ConstMat(top, n, width) * ConstMat(params + o.outW, width, vocab);
  logits.rowwise() += ConstRowVec(params + o.outB, vocab);
  double loss = 0;
  const float inv = 1.0f / static_cast<float>(n);
  for (Index r = 0; r < n; r++) {
    auto row = logits.row(r).array();
    const float max = row.maxCoeff();
    const float target = row(shard.targets[r]);
    row = (row - max).exp();
    const float sum = row.sum();
    loss += std::log(static_cast<double>(sum)) + max - target;
    if (dLogits) {
      row *= inv / sum;
      row(shard.targets[r]) -= inv;
    }
  }
  return loss;
}

}  // namespace

Offsets layoutOf(const Network& net) {
  Offsets o;
  size_t at = 0;
  o.embedding = at;
  at += static_cast<size_t>(net.vocab) * net.embed;
  int inputs = net.embed;
  for (int h : net.hidden) {
    o.w.push_back(at);
    at += static_cast<size_t>(inputs) * 4 * h;
    o.u.push_back(at);
    at += static_cast<size_t>(h) * 4 * h;
    o.b.push_back(at);
    at += static_cast<size_t>(4) * h;
    inputs = h;
  }
  o.outW = at;
  at += static_cast<size_t>(inputs) * net.vocab;
  o.outB = at;
  at += net.vocab;
  o.total = at;
  return o;
}

PassResult gradients(const Network& net, const float* params, float* grads, const Shard& shard, double dropout) {
  const Offsets o = layoutOf(net);
  const int layers = static_cast<int>(net.hidden.size());
  const Index n = static_cast<Index>(shard.batch) * shard.steps;
  PassResult result;
  const float* top = forwardLayers(net, o, params, shard, dropout);
  if (top == nullptr) return result.aborted = true, result;
  const int width = net.hidden.back();
  float* dLogits = workspace.logits.get(n * net.vocab);
  result.loss = outputLayer(net, o, params, top, shard, dLogits);
  ConstMat dL(dLogits, n, net.vocab);
  Mat(grads + o.outW, width, net.vocab).noalias() = ConstMat(top, n, width).transpose() * dL;
  RowVec(grads + o.outB, net.vocab) = dL.colwise().sum();
  // d(top h), then down through the layers; dh and dx swap roles each layer
  float* dh = workspace.dh.get(n * width);
  Mat(dh, n, width).noalias() = dL * ConstMat(params + o.outW, width, net.vocab).transpose();
  for (int l = layers - 1; l >= 0; l--) {
    const int hidden = net.hidden[l];
    LayerBuffers& buf = workspace.layers[l];
    if (dropout > 0 && l < layers - 1) Arr(dh, n * hidden) *= ConstArr(buf.mask.ptr(), n * hidden);
    LayerInput in;
    LayerGradients out{grads + o.w[l], grads + o.u[l], grads + o.b[l], nullptr};
    if (l == 0) {
      in.ids = shard.inputs;
      in.embedding = params + o.embedding;
      in.width = net.embed;
      out.dx = grads + o.embedding;
    } else {
      const LayerBuffers& below = workspace.layers[l - 1];
      in.x = dropout > 0 ? below.x.ptr() : below.h.ptr();
      in.width = net.hidden[l - 1];
      out.dx = workspace.dx.get(n * in.width);
    }
    if (!layerBackward(in, buf, dh, params + o.w[l], params + o.u[l], hidden, shard.batch, shard.steps, net.vocab,
                       shard, out)) {
      return result.aborted = true, result;
    }
    if (l > 0) {
      std::swap(workspace.dh, workspace.dx);
      dh = workspace.dh.ptr();
    }
  }
  return result;
}

PassResult lossSum(const Network& net, const float* params, const Shard& shard) {
  const Offsets o = layoutOf(net);
  PassResult result;
  const float* top = forwardLayers(net, o, params, shard, 0);
  if (top == nullptr) return result.aborted = true, result;
  result.loss = outputLayer(net, o, params, top, shard, nullptr);
  return result;
}

size_t workspaceFloats(const Network& net, int batch, int steps) {
  const size_t n = static_cast<size_t>(batch) * steps;
  size_t floats = 0, widest = net.embed;
  for (int h : net.hidden) {
    floats += n * (4 * static_cast<size_t>(h) + 5 * h);  // a; c, tc, h, mask, x
    widest = std::max(widest, static_cast<size_t>(h));
  }
  const size_t g4max = 4 * widest;
  floats += static_cast<size_t>(net.vocab) * 4 * net.hidden[0] * 2;  // table, byToken
  floats += n * net.vocab;                                            // logits
  floats += n * g4max + 2 * n * widest;                               // dz; dh, dx
  floats += 2 * static_cast<size_t>(batch) * widest;                  // dhNext, dcNext
  return floats;
}

bool reserveWorkspace(const Network& net, int batch, int steps) {
  const size_t n = static_cast<size_t>(batch) * steps;
  const size_t layers = net.hidden.size();
  if (workspace.layers.size() < layers) workspace.layers.resize(layers);
  size_t widest = net.embed;
  bool ok = true;
  for (size_t l = 0; l < layers; l++) {
    const size_t h = net.hidden[l];
    LayerBuffers& buf = workspace.layers[l];
    ok = ok && buf.a.get(n * 4 * h) && buf.c.get(n * h) && buf.tc.get(n * h) && buf.h.get(n * h) &&
         buf.mask.get(n * h) && buf.x.get(n * h);
    widest = std::max(widest, h);
  }
  const size_t table = static_cast<size_t>(net.vocab) * 4 * net.hidden[0];
  // dh and dx swap between layers: both get the widest size
  return ok && workspace.table.get(table) && workspace.byToken.get(table) &&
         workspace.logits.get(n * net.vocab) && workspace.dz.get(n * 4 * widest) && workspace.dh.get(n * widest) &&
         workspace.dx.get(n * widest) && workspace.dhNext.get(batch * widest) && workspace.dcNext.get(batch * widest);
}

double adam(float* params, float* grads, float* m, float* v, size_t n, const AdamStep& step) {
  // the norm in double over float blocks: fast, and as accurate as the sum needs
  double squares = 0;
  constexpr size_t kBlock = 4096;
  for (size_t at = 0; at < n; at += kBlock) {
    const size_t len = std::min(kBlock, n - at);
    squares += ConstArr(grads + at, static_cast<Index>(len)).square().sum();
  }
  const double norm = std::sqrt(squares);
  const Index size = static_cast<Index>(n);
  Arr g(grads, size), p(params, size), mm(m, size), vv(v, size);
  if (step.clipNorm > 0 && norm > step.clipNorm) g *= static_cast<float>(step.clipNorm / norm);
  const float b1 = static_cast<float>(step.beta1), b2 = static_cast<float>(step.beta2);
  const float ob1 = static_cast<float>(1 - step.beta1), ob2 = static_cast<float>(1 - step.beta2);
  mm = mm * b1 + g * ob1;
  vv = vv * b2 + g.square() * ob2;
  p -= (mm / (vv.sqrt() + static_cast<float>(step.epsilonHat))) * static_cast<float>(step.learningRateT);
  return norm;
}

}  // namespace PW_NS
