#include "kernels/spectral/csr.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "core/topology.hpp"
#include "kernels/parallel.hpp"

namespace armperf::kernels::spectral {

namespace {

// Runs fn(part) for parts 0 .. parts-1 on the team (inline for one thread).
template <class F>
void on_team(int threads, F&& fn) {
  if (threads == 1) {
    fn(0);
  } else {
    spectral_team(threads).run([&](int t) { fn(t); });
  }
}

bool keeps(const Edge& e, std::int32_t max_stage) { return e.stage <= max_stage && e.u != e.v; }

}  // namespace

Csr csr_from_edges(Index n, std::span<const Edge> edges, bool weighted, std::int32_t max_stage, int threads) {
  if (n < 0) throw std::invalid_argument("csr: negative node count");
  if (threads < 1) throw std::invalid_argument("csr: threads must be >= 1");
  for (const Edge& e : edges) {
    if (e.u < 0 || e.u >= n || e.v < 0 || e.v >= n) {
      throw std::invalid_argument("csr: edge {" + std::to_string(e.u) + ", " + std::to_string(e.v) +
                                  "} names a node outside [0, " + std::to_string(n) + ")");
    }
  }
  const std::size_t rows = static_cast<std::size_t>(n);
  auto edge_slice = [&](int t) { return block_slice(edges.size(), threads, t); };
  auto row_slice = [&](int t) { return block_slice(rows, threads, t); };

  // 1. Entries per row (both directions), counted with relaxed atomics: threads share rows.
  std::vector<std::int64_t> start(rows + 1, 0);
  on_team(threads, [&](int t) {
    const Slice mine = edge_slice(t);
    for (std::size_t i = mine.begin; i < mine.end; ++i) {
      const Edge& e = edges[i];
      if (!keeps(e, max_stage)) continue;
      std::atomic_ref(start[static_cast<std::size_t>(e.u) + 1]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref(start[static_cast<std::size_t>(e.v) + 1]).fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (std::size_t i = 1; i <= rows; ++i) start[i] += start[i - 1];

  // 2. Scatter both directions through per-row atomic cursors (the order within a row is arbitrary
  // here; step 3 sorts it, so the result does not depend on the threads).
  std::vector<Index> col(static_cast<std::size_t>(start[rows]));
  std::vector<float> val(weighted ? col.size() : 0);
  std::vector<std::int64_t> cursor(start.begin(), start.end() - 1);
  on_team(threads, [&](int t) {
    const Slice mine = edge_slice(t);
    for (std::size_t i = mine.begin; i < mine.end; ++i) {
      const Edge& e = edges[i];
      if (!keeps(e, max_stage)) continue;
      for (auto [from, to] : {std::pair{e.u, e.v}, std::pair{e.v, e.u}}) {
        const auto at = static_cast<std::size_t>(
            std::atomic_ref(cursor[static_cast<std::size_t>(from)]).fetch_add(1, std::memory_order_relaxed));
        col[at] = to;
        if (weighted) val[at] = e.weight;
      }
    }
  });

  // 3. Sort every row by column and merge duplicates (a multigraph, or "u v" and "v u" in a directed
  // file): weights add up, a pattern keeps one entry. kept[i] = what remains of row i.
  std::vector<std::int64_t> kept(rows + 1, 0);
  on_team(threads, [&](int t) {
    const Slice mine = row_slice(t);
    std::vector<std::pair<Index, float>> row;
    for (std::size_t i = mine.begin; i < mine.end; ++i) {
      const auto begin = static_cast<std::size_t>(start[i]), end = static_cast<std::size_t>(start[i + 1]);
      row.clear();
      for (std::size_t p = begin; p < end; ++p) row.emplace_back(col[p], weighted ? val[p] : 1.0f);
      std::sort(row.begin(), row.end(), [](auto& x, auto& y) { return x.first < y.first; });
      std::size_t write = begin;
      for (std::size_t p = 0; p < row.size(); ++p) {
        if (p > 0 && row[p].first == row[p - 1].first) {
          if (weighted) val[write - 1] += row[p].second;
          continue;
        }
        col[write] = row[p].first;
        if (weighted) val[write] = row[p].second;
        ++write;
      }
      kept[i + 1] = static_cast<std::int64_t>(write - begin);
    }
  });
  for (std::size_t i = 1; i <= rows; ++i) kept[i] += kept[i - 1];
  if (kept[rows] > std::numeric_limits<Index>::max()) {
    throw std::invalid_argument("csr: " + std::to_string(kept[rows]) + " stored entries exceed 2^31 - 1");
  }

  // 4. Compact the rows into the final arrays.
  Csr out;
  out.n = n;
  out.row_ptr.resize(rows + 1);
  out.col.resize(static_cast<std::size_t>(kept[rows]));
  if (weighted) out.val.resize(out.col.size());
  on_team(threads, [&](int t) {
    const Slice mine = row_slice(t);
    for (std::size_t i = mine.begin; i < mine.end; ++i) {
      const auto from = static_cast<std::size_t>(start[i]), to = static_cast<std::size_t>(kept[i]);
      const auto count = static_cast<std::size_t>(kept[i + 1] - kept[i]);
      out.row_ptr[i] = static_cast<Index>(kept[i]);
      std::copy_n(col.begin() + static_cast<std::ptrdiff_t>(from), count,
                  out.col.begin() + static_cast<std::ptrdiff_t>(to));
      if (weighted) {
        std::copy_n(val.begin() + static_cast<std::ptrdiff_t>(from), count,
                    out.val.begin() + static_cast<std::ptrdiff_t>(to));
      }
    }
  });
  out.row_ptr[rows] = static_cast<Index>(kept[rows]);
  return out;
}

std::vector<double> csr_degrees(const CsrRef& a) {
  std::vector<double> d(static_cast<std::size_t>(a.n), 0.0);
  for (Index i = 0; i < a.n; ++i) {
    if (a.val == nullptr) {
      d[static_cast<std::size_t>(i)] = a.row_ptr[i + 1] - a.row_ptr[i];
    } else {
      for (Index p = a.row_ptr[i]; p < a.row_ptr[i + 1]; ++p) d[static_cast<std::size_t>(i)] += a.val[p];
    }
  }
  return d;
}

RowRange row_range(const CsrRef& a, int parts, int index) {
  // Work of the rows before row i is row_ptr[i] + i; the part boundaries are the first rows whose
  // preceding work reaches index/parts of the total (binary search: row_ptr[i] + i is increasing).
  const std::int64_t total = std::int64_t{a.nnz()} + a.n;
  auto boundary = [&](int part) -> Index {
    if (part <= 0) return 0;
    if (part >= parts) return a.n;
    const std::int64_t target = total * part / parts;
    Index lo = 0, hi = a.n;
    while (lo < hi) {
      const Index mid = lo + (hi - lo) / 2;
      if (std::int64_t{a.row_ptr[mid]} + mid < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  return {boundary(index), boundary(index + 1)};
}

// The kernels' shared persistent team (gemm and knn run on it too): one per PU list, so it follows
// the placement armperf run binds the caller to.
Team& spectral_team(int threads) { return persistent_kernel_team(threads); }

namespace {

// Copies [begin, end) elements of src into dst from the calling thread: its pages land on its node.
template <class T>
void touch_copy(T* dst, const T* src, std::int64_t begin, std::int64_t end) {
  if (end > begin) std::memcpy(dst + begin, src + begin, static_cast<std::size_t>(end - begin) * sizeof(T));
}

}  // namespace

PlacedCsr::PlacedCsr(const CsrRef& source, int threads, BufferOptions options)
    : n_(source.n),
      threads_(threads),
      has_values_(source.val != nullptr),
      options_(options),
      row_ptr_((static_cast<std::size_t>(source.n) + 1) * sizeof(Index), options),
      col_(std::max<std::size_t>(1, static_cast<std::size_t>(source.nnz())) * sizeof(Index), options),
      val_(has_values_ ? std::max<std::size_t>(1, static_cast<std::size_t>(source.nnz())) * sizeof(float) : 0,
           options) {
  spectral_team(threads).run([&](int t) {
    const RowRange rows = row_range(source, threads, t);
    touch_copy(row_ptr_.as<Index>(), source.row_ptr, rows.begin, t == threads - 1 ? rows.end + 1 : rows.end);
    touch_copy(col_.as<Index>(), source.col, source.row_ptr[rows.begin], source.row_ptr[rows.end]);
    if (has_values_)
      touch_copy(val_.as<float>(), source.val, source.row_ptr[rows.begin], source.row_ptr[rows.end]);
  });
}

Buffer PlacedCsr::placed_vector() const {
  Buffer v(std::max<std::size_t>(1, static_cast<std::size_t>(n_)) * sizeof(float), options_);
  const CsrRef a = ref();
  spectral_team(threads_).run([&](int t) {
    const RowRange rows = row_range(a, threads_, t);
    if (rows.end > rows.begin) {
      std::memset(v.as<float>() + rows.begin, 0,
                  static_cast<std::size_t>(rows.end - rows.begin) * sizeof(float));
    }
  });
  return v;
}

}  // namespace armperf::kernels::spectral
