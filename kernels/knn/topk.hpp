// Top-k selection for the search driver: a bounded max-heap on (key, id), so the worst kept candidate
// is at the root and a candidate that cannot enter costs one comparison with a threshold. Keys are
// "smaller is better" (squared L2, or the negated inner product); equal keys rank by smaller id.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/knn/knn.hpp"

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
  // scale -1 turns similarities into keys, offsets add ||b||^2 in the GEMM formulation. Once the
  // heap is full almost every candidate fails the threshold, so the ISA's vector filter `scan` skips
  // to the next one that passes and only that one reaches push(). Measured on Zen 5 (nb = 10^5,
  // d = 128, nq = 1000, k = 10, 1 thread): the scalar test-and-branch loop this replaced took
  // 0.67-1.1 ns per candidate for k = 1-100, about a third of the whole GEMM-path search; with the
  // AVX-512 filter the scan took 3 % of the profile's samples beside sgemm's micro-kernel's 29 %
  // (about 0.15 ns per candidate). Without a filter (null) a plain loop at the driver's baseline ISA
  // does the same. A NaN key never passes, so a database vector with a NaN component is never a
  // neighbour.
  void push_block(const float* values, const float* offsets, float scale, std::int64_t n, std::int64_t id0,
                  KeyScanFn scan = nullptr) {
    const auto key = [&](std::int64_t i) {
      return scale * values[i] + (offsets != nullptr ? offsets[i] : 0.0f);
    };
    for (std::int64_t i = 0;; ++i) {
      if (scan != nullptr) {
        i += scan(values + i, offsets != nullptr ? offsets + i : nullptr, scale, n - i, threshold_);
      } else {
        while (i < n && !(key(i) < threshold_)) ++i;
      }
      if (i >= n) return;
      push(key(i), id0 + i);
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
