// Top-k selection for the search driver: a bounded max-heap on (key, id), so the worst kept candidate
// is at the root and a candidate that cannot enter costs one comparison with a threshold. Keys are
// "smaller is better" (squared L2, or the negated inner product); equal keys rank by smaller id.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace armperf::kernels {

struct Candidate {
  float key;
  std::int64_t id;
};

// Strict "a ranks before b": the total order ties and merges rely on.
inline bool better(const Candidate& a, const Candidate& b) {
  return a.key < b.key || (a.key == b.key && a.id < b.id);
}

class TopK {
 public:
  explicit TopK(std::int64_t k = 0) : k_(k) { heap_.reserve(static_cast<std::size_t>(k)); }

  // Keys at or above this cannot enter; +inf until k candidates are held. A plain float, so the
  // scanning loops test it without touching the heap.
  float threshold() const { return threshold_; }

  void push(float key, std::int64_t id) {
    // A NaN distance (NaN in the database) ranks last, after +inf, instead of breaking the heap order.
    const Candidate c{std::isnan(key) ? std::numeric_limits<float>::infinity() : key, id};
    if (static_cast<std::int64_t>(heap_.size()) < k_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), better);
      if (static_cast<std::int64_t>(heap_.size()) == k_) threshold_ = std::nextafter(heap_.front().key, kInf);
      return;
    }
    if (!better(c, heap_.front())) return;
    std::pop_heap(heap_.begin(), heap_.end(), better);
    heap_.back() = c;
    std::push_heap(heap_.begin(), heap_.end(), better);
    threshold_ = std::nextafter(heap_.front().key, kInf);
  }

  // Candidates id0 .. id0 + n - 1 with keys scale * values[i] (+ offsets[i] when offsets is not null):
  // scale -1 turns similarities into keys, offsets add ||b||^2 in the GEMM formulation. Most
  // candidates of a long scan fail the threshold, so 16 keys at a time are reduced to their minimum
  // with generic vectors (SSE at the x86-64 baseline, AdvSIMD on AArch64) and only a block whose
  // minimum passes is looked at one by one. A NaN key never passes, so a database vector with a
  // NaN component is never a neighbour.
  void push_block(const float* values, const float* offsets, float scale, std::int64_t n, std::int64_t id0) {
    using V4 = float __attribute__((vector_size(16)));
    constexpr std::int64_t kBlock = 16;
    auto key = [&](std::int64_t i) { return scale * values[i] + (offsets != nullptr ? offsets[i] : 0.0f); };
    auto load = [](const float* p) {
      V4 v;
      __builtin_memcpy(&v, p, sizeof(v));
      return v;
    };
    std::int64_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
      V4 k[4];
      for (int v = 0; v < 4; ++v) {
        k[v] = scale * load(values + i + 4 * v);
        if (offsets != nullptr) k[v] += load(offsets + i + 4 * v);
      }
      const V4 low01 = k[0] < k[1] ? k[0] : k[1], low23 = k[2] < k[3] ? k[2] : k[3];
      const V4 low = low01 < low23 ? low01 : low23;
      const float least = std::min(std::min(low[0], low[1]), std::min(low[2], low[3]));
      if (!(least < threshold_)) continue;
      for (std::int64_t j = i; j < i + kBlock; ++j) {
        const float kj = key(j);
        if (kj < threshold_) push(kj, id0 + j);
      }
    }
    for (; i < n; ++i) {
      const float ki = key(i);
      if (ki < threshold_) push(ki, id0 + i);
    }
  }

  void merge(const TopK& other) {
    for (const Candidate& c : other.heap_) push(c.key, c.id);
  }

  // Best first.
  std::vector<Candidate> sorted() const {
    std::vector<Candidate> out = heap_;
    std::sort(out.begin(), out.end(), better);
    return out;
  }

 private:
  static constexpr float kInf = std::numeric_limits<float>::infinity();
  std::int64_t k_;
  std::vector<Candidate> heap_;
  float threshold_ = kInf;
};

}  // namespace armperf::kernels
