// Compressed sparse row graphs for the spectral family (issue 8): building a symmetric CSR from an
// edge list, splitting rows by work over a team, and NUMA placement of the arrays (DESIGN §7).
//
// Indices are 32-bit, row pointers included: Eigen's sparse Map (the SpMV peer) needs one index type
// for both, and 32-bit halves the index traffic of the memory-bound SpMV. nnz < 2^31 is checked.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "core/buffer.hpp"
#include "core/team.hpp"

namespace armperf::kernels::spectral {

using Index = std::int32_t;

// An undirected edge {u, v}; stage is the streaming stage (0-based) it is released in.
struct Edge {
  Index u = 0, v = 0;
  std::int32_t stage = 0;
  float weight = 1.0f;
};

// A read-only view of a CSR matrix: row i holds col[row_ptr[i] .. row_ptr[i+1]), with values
// val[...] or, when val is null, the pattern only (every stored entry is 1).
struct CsrRef {
  Index n = 0;
  const Index* row_ptr = nullptr;
  const Index* col = nullptr;
  const float* val = nullptr;
  Index nnz() const { return n == 0 ? 0 : row_ptr[n]; }
};

// An owning CSR in ordinary (std::vector) memory: graphs as built, tests, readers.
struct Csr {
  Index n = 0;
  std::vector<Index> row_ptr{0};
  std::vector<Index> col;
  std::vector<float> val;  // empty: pattern-only
  Index nnz() const { return static_cast<Index>(col.size()); }
  CsrRef ref() const { return {n, row_ptr.data(), col.data(), val.empty() ? nullptr : val.data()}; }
  CsrRef pattern() const { return {n, row_ptr.data(), col.data(), nullptr}; }
};

// The symmetric adjacency of the edges with stage <= max_stage: both directions stored, self-loops
// dropped, duplicates merged (weights summed when weighted, else 1), columns sorted in every row.
// Built on spectral_team(threads): counting, scattering and the per-row sort run in parallel.
// Throws std::invalid_argument for an id outside [0, n) or more than 2^31 - 1 stored entries.
Csr csr_from_edges(Index n, std::span<const Edge> edges, bool weighted, std::int32_t max_stage = INT32_MAX,
                   int threads = 1);

// Row degrees (stored entries per row, or the sums of the values when val is present).
std::vector<double> csr_degrees(const CsrRef& a);

// Rows [begin, end) of part `index` of `parts`, cut so each part holds a near-equal share of
// nnz + n (the entries it multiplies plus the rows it writes: empty rows still cost a store).
struct RowRange {
  Index begin = 0, end = 0;
};
RowRange row_range(const CsrRef& a, int parts, int index);

// The persistent pinned team of `threads` workers the spectral kernels share (compact placement,
// made on first use, kept for the process; more threads than PUs repeat PUs).
Team& spectral_team(int threads);

// The next unclaimed piece of one thread's share (run_pieces), on a cache line of its own.
struct alignas(64) PieceCursor {
  std::atomic<int> next{0};
};

// Runs piece(p) for every p in [0, threads * per_thread) on spectral_team(threads) (threads > 1).
// Thread t owns pieces [t * per_thread, (t + 1) * per_thread), the share whose memory it first-touched,
// and runs them first; then it takes the pieces of the others' shares they have not started. A static
// split waits for its slowest thread, and on a shared machine (or a VM whose other vCPU is busy) one
// thread often runs late: at n = 2*10^5 on the 2-vCPU VM with a neighbour busy half the time on one
// vCPU, a static two-way SpMV ran at 9.1 GB/s (the one-thread rate), these pieces at 18.9. On a NUMA
// machine a thread reads another node's memory only once its own share is done. Work done per piece
// (not per thread) keeps sums that are added in piece order independent of timing.
template <class Piece>
void run_pieces(int threads, int per_thread, Piece&& piece) {
  std::vector<PieceCursor> cursors(static_cast<std::size_t>(threads));
  spectral_team(threads).run([&](int t) {
    for (int k = 0; k < threads; ++k) {
      const int owner = (t + k) % threads;
      std::atomic<int>& next = cursors[static_cast<std::size_t>(owner)].next;
      for (int p = next.fetch_add(1, std::memory_order_relaxed); p < per_thread;
           p = next.fetch_add(1, std::memory_order_relaxed)) {
        piece(owner * per_thread + p);
      }
    }
  });
}

// A CSR and its dense vectors in page-aligned memory first-touched by the team thread that owns the
// rows (row_range over the team): on a NUMA machine each thread streams its part from its own node.
class PlacedCsr {
 public:
  PlacedCsr(const CsrRef& source, int threads, BufferOptions options = {});
  CsrRef ref() const {
    return {n_, row_ptr_.as<Index>(), col_.as<Index>(), has_values_ ? val_.as<float>() : nullptr};
  }
  CsrRef pattern() const { return {n_, row_ptr_.as<Index>(), col_.as<Index>(), nullptr}; }
  int threads() const { return threads_; }
  // A length-n vector whose pages are first-touched by the thread owning the matching rows.
  Buffer placed_vector() const;
  const Buffer& row_ptr_buffer() const { return row_ptr_; }

 private:
  Index n_ = 0;
  int threads_ = 1;
  bool has_values_ = false;
  BufferOptions options_;
  Buffer row_ptr_, col_, val_;
};

}  // namespace armperf::kernels::spectral
