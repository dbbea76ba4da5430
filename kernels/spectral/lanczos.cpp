#include "kernels/spectral/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "core/buffer.hpp"

namespace armperf::kernels::spectral {

void jacobi_eigen(std::vector<double> a, int m, std::vector<double>& values, std::vector<double>& vectors) {
  auto at = [m](std::vector<double>& x, int i, int j) -> double& {
    return x[static_cast<std::size_t>(i * m + j)];
  };
  vectors.assign(static_cast<std::size_t>(m * m), 0.0);
  for (int i = 0; i < m; ++i) at(vectors, i, i) = 1.0;
  double norm = 0;
  for (double x : a) norm += x * x;
  const double eps = std::numeric_limits<double>::epsilon();
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int i = 0; i < m; ++i) {
      for (int j = i + 1; j < m; ++j) off += at(a, i, j) * at(a, i, j);
    }
    if (off <= eps * eps * norm) break;
    for (int p = 0; p < m; ++p) {
      for (int q = p + 1; q < m; ++q) {
        const double apq = at(a, p, q);
        if (std::abs(apq) <= std::numeric_limits<double>::min()) continue;
        // The rotation that zeroes a_pq (Golub-Van Loan 8.5.2), with the smaller angle.
        const double tau = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const double t = (tau >= 0 ? 1.0 : -1.0) / (std::abs(tau) + std::sqrt(1 + tau * tau));
        const double c = 1 / std::sqrt(1 + t * t), s = t * c;
        for (int k = 0; k < m; ++k) {
          const double akp = at(a, k, p), akq = at(a, k, q);
          at(a, k, p) = c * akp - s * akq;
          at(a, k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < m; ++k) {
          const double apk = at(a, p, k), aqk = at(a, q, k);
          at(a, p, k) = c * apk - s * aqk;
          at(a, q, k) = s * apk + c * aqk;
        }
        for (int k = 0; k < m; ++k) {
          const double vkp = at(vectors, k, p), vkq = at(vectors, k, q);
          at(vectors, k, p) = c * vkp - s * vkq;
          at(vectors, k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  std::vector<int> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return at(a, x, x) < at(a, y, y); });
  std::vector<double> sorted(static_cast<std::size_t>(m * m));
  values.resize(static_cast<std::size_t>(m));
  for (int j = 0; j < m; ++j) {
    values[static_cast<std::size_t>(j)] =
        at(a, order[static_cast<std::size_t>(j)], order[static_cast<std::size_t>(j)]);
    for (int i = 0; i < m; ++i) at(sorted, i, j) = at(vectors, i, order[static_cast<std::size_t>(j)]);
  }
  vectors = std::move(sorted);
}

namespace {

// Dense vector kernels over the columns of the basis, split by rows into pieces over the team;
// per-piece partial sums are added in piece order, so results do not depend on timing.

// Pieces per thread of the basis's vector work (Basis::on_pieces).
constexpr int kBasisPieces = 8;
// The block of dot(); Basis::orthogonalize sweeps w in the same blocks.
constexpr Index kDotBlock = 512;

// sum x[i] y[i] over [begin, end): eight float partial sums per block of kDotBlock elements
// (vectorisable without reassociating a single float sum), each block added in double, so the error
// grows with the block, not with n.
double dot(const float* __restrict x, const float* __restrict y, Index begin, Index end) {
  double total = 0;
  for (Index b = begin; b < end; b += kDotBlock) {
    const Index stop = std::min<Index>(end, b + kDotBlock);
    float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    Index i = b;
    for (; i + 8 <= stop; i += 8) {
      for (int l = 0; l < 8; ++l) part[l] += x[i + l] * y[i + l];
    }
    for (; i < stop; ++i) part[0] += x[i] * y[i];
    double block = 0;
    for (float p : part) block += p;
    total += block;
  }
  return total;
}

class Basis {
 public:
  // The columns are left uninitialised: each is first written by scale_into or copy_into, piece by
  // piece on the team, so its pages are first-touched by the thread that streams them and no serial
  // zeroing pass precedes the solve. Fresh mapped memory on huge pages: a solve's page faults are then
  // a few (17 MB at n = 2*10^5 is 9 huge pages, ~1.5 ms on the Zen 5 VM) and the same whatever malloc
  // did before; on 4 KiB pages the same 17 MB took 160-220 ms of faults there, paid or not depending on
  // whether malloc had the memory from an earlier solve. The price: pages are 2 MB, so a thread's slice
  // of a column shorter than that may land on the other thread's node.
  Basis(Index n, int columns, int threads)
      : n_(n),
        threads_(threads),
        v_(std::max<std::size_t>(1, static_cast<std::size_t>(n) * static_cast<std::size_t>(columns)) * sizeof(float),
           BufferOptions{.membind = {}, .huge_pages = true}) {}

  float* col(int j) { return v_.as<float>() + static_cast<std::size_t>(j) * static_cast<std::size_t>(n_); }

  struct Orthogonalized {
    std::vector<double> h;  // the coefficients removed: V^T w of both passes, summed
    double norm = 0;        // ||w|| afterwards
  };

  // Full reorthogonalization by classical Gram-Schmidt twice (h = V^T w, w -= V h, then again with the
  // new w), and ||w||, for V = V[:, 0..count): three sweeps over V, not the four of two separate
  // projections and a fifth over w for the norm. The second projection's dots and the norm are taken
  // block by block right after the block's update, while its rows of w and V are still in cache. At
  // n = 2*10^5 the vector work is about a third of a Lanczos step (the 17 MB basis streams from L3 or
  // DRAM), so a sweep saved is worth having. Sums run over the same 512-element blocks in the same
  // order as one dot over the slice, so the result does not depend on this blocking.
  Orthogonalized orthogonalize(int count, float* w) {
    const auto c = static_cast<std::size_t>(count);
    std::vector<double> first(static_cast<std::size_t>(parts()) * c, 0.0), second(first.size(), 0.0);
    std::vector<double> squares(static_cast<std::size_t>(parts()), 0.0);
    on_pieces([&](Index begin, Index end, int t) {
      for (int j = 0; j < count; ++j) first[std::size_t(t) * c + std::size_t(j)] = dot(col(j), w, begin, end);
    });
    const std::vector<double> h1 = piece_sums(first, count);
    on_pieces([&](Index begin, Index end, int t) {
      double* h2 = second.data() + std::size_t(t) * c;
      for (Index b = begin; b < end; b += kDotBlock) {
        const Index stop = std::min<Index>(end, b + kDotBlock);
        subtract(count, h1, w, b, stop);
        for (int j = 0; j < count; ++j) h2[j] += dot(col(j), w, b, stop);
      }
    });
    Orthogonalized out{piece_sums(second, count), 0.0};
    on_pieces([&](Index begin, Index end, int t) {
      for (Index b = begin; b < end; b += kDotBlock) {
        const Index stop = std::min<Index>(end, b + kDotBlock);
        subtract(count, out.h, w, b, stop);
        squares[std::size_t(t)] += dot(w, w, b, stop);
      }
    });
    for (int j = 0; j < count; ++j) out.h[std::size_t(j)] += h1[std::size_t(j)];
    out.norm = std::sqrt(std::accumulate(squares.begin(), squares.end(), 0.0));
    return out;
  }

  double norm(const float* w) {
    std::vector<double> partial(static_cast<std::size_t>(parts()), 0.0);
    on_pieces(
        [&](Index begin, Index end, int t) { partial[static_cast<std::size_t>(t)] = dot(w, w, begin, end); });
    return std::sqrt(std::accumulate(partial.begin(), partial.end(), 0.0));
  }

  void scale_into(const float* w, double factor, float* out) {
    on_pieces([&](Index begin, Index end, int) {
      for (Index i = begin; i < end; ++i) out[i] = static_cast<float>(double(w[i]) * factor);
    });
  }

  void copy_into(const float* from, std::size_t count, float* out) {
    on_pieces([&](Index begin, Index end, int) {
      for (std::size_t c = 0; c < count; ++c) {
        const std::size_t at = c * std::size_t(n_);
        std::copy(from + at + std::size_t(begin), from + at + std::size_t(end), out + at + std::size_t(begin));
      }
    });
  }

  // out[:, c] = sum_j V[:, j] s[j * stride + c] for c < out_count, j < count (Ritz vectors): a small
  // GEMM, done in row chunks whose out_count output columns stay in L1 while V streams through once.
  void combine(int count, const std::vector<double>& s, int stride, int out_count, float* out) {
    constexpr Index kChunk = 256;
    on_pieces([&](Index begin, Index end, int) {
      for (Index b = begin; b < end; b += kChunk) {
        const Index stop = std::min<Index>(end, b + kChunk);
        for (int c = 0; c < out_count; ++c) {
          float* __restrict o = out + std::size_t(c) * std::size_t(n_);
          for (Index i = b; i < stop; ++i) o[i] = 0;
        }
        for (int j = 0; j < count; ++j) {
          const float* __restrict v = col(j);
          for (int c = 0; c < out_count; ++c) {
            const float sjc = float(s[std::size_t(j * stride + c)]);
            float* __restrict o = out + std::size_t(c) * std::size_t(n_);
            for (Index i = b; i < stop; ++i) o[i] += sjc * v[i];
          }
        }
      }
    });
  }

 private:
  // w[begin, end) -= V[:, 0..count) h over rows [begin, end); four columns per pass over w.
  void subtract(int count, const std::vector<double>& h, float* w, Index begin, Index end) {
    int j = 0;
    for (; j + 4 <= count; j += 4) {
      const float h0 = float(h[std::size_t(j)]), h1 = float(h[std::size_t(j) + 1]), h2 = float(h[std::size_t(j) + 2]),
                  h3 = float(h[std::size_t(j) + 3]);
      const float* __restrict v0 = col(j), * __restrict v1 = col(j + 1), * __restrict v2 = col(j + 2), * __restrict v3 = col(j + 3);
      float* __restrict out = w;
      for (Index i = begin; i < end; ++i) out[i] -= h0 * v0[i] + h1 * v1[i] + h2 * v2[i] + h3 * v3[i];
    }
    for (; j < count; ++j) {
      const float hj = float(h[std::size_t(j)]);
      const float* __restrict v = col(j);
      float* __restrict out = w;
      for (Index i = begin; i < end; ++i) out[i] -= hj * v[i];
    }
  }

  // Per-piece partial sums (parts() x count, row-major) added in piece order: whichever thread ran a
  // piece, the result is the same.
  std::vector<double> piece_sums(const std::vector<double>& partial, int count) const {
    std::vector<double> h(static_cast<std::size_t>(count), 0.0);
    for (int t = 0; t < parts(); ++t) {
      for (int j = 0; j < count; ++j) h[std::size_t(j)] += partial[std::size_t(t) * std::size_t(count) + std::size_t(j)];
    }
    return h;
  }

  // The pieces the vector work is split into: kBasisPieces per thread, run by run_pieces (a late
  // thread's share is finished by the others), one range for a single thread.
  int parts() const { return threads_ == 1 ? 1 : threads_ * kBasisPieces; }

  // fn(begin, end, piece) over the pieces of [0, n_); a single thread runs on the caller.
  template <class F>
  void on_pieces(F&& fn) {
    if (threads_ == 1) {
      fn(Index{0}, n_, 0);
      return;
    }
    const int count = parts();
    run_pieces(threads_, kBasisPieces, [&](int piece) {
      const Slice s = block_slice(static_cast<std::size_t>(n_), count, piece);
      fn(static_cast<Index>(s.begin), static_cast<Index>(s.end), piece);
    });
  }

  Index n_;
  int threads_;
  Buffer v_;
};

}  // namespace

EigsResult lanczos_eigs(const LinearOperator& op, Index n, const EigsOptions& options) {
  const int nev = options.nev;
  if (nev < 1 || nev >= n) {
    throw std::invalid_argument("lanczos: nev = " + std::to_string(nev) +
                                " must be in [1, n) with n = " + std::to_string(n));
  }
  const int m = std::min<int>(n, options.ncv > 0 ? options.ncv : std::max(2 * nev + 1, nev + 20));
  if (m <= nev) throw std::invalid_argument("lanczos: ncv must exceed nev");
  const int keep = std::min(m - 1, nev + (m - nev) / 2);  // Ritz vectors kept over a restart
  const double eps23 = std::pow(std::numeric_limits<double>::epsilon(), 2.0 / 3.0);
  const double sign =
      options.smallest ? -1.0 : 1.0;  // the wanted end comes first after sorting by -sign*theta

  Basis basis(n, m + 1, options.threads);
  std::vector<float> w(static_cast<std::size_t>(n));
  std::unique_ptr<float[]> kept;  // the Ritz vectors kept over a restart (made on the first restart)
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<float> normal;
  auto random_start = [&](float* v) {
    for (Index i = 0; i < n; ++i) v[i] = normal(rng);
  };

  // Start vector: the warm-start span's sum plus 1e-3 noise (exact invariant subspaces break down).
  // Drawn into w on the caller (one random sequence whatever the thread count), normalised into V.
  float* v0 = w.data();
  random_start(v0);
  if (options.warm_start != nullptr && options.warm_count > 0) {
    const double noise = 1e-3 / std::sqrt(double(n));
    for (Index i = 0; i < n; ++i) {
      double sum = 0;
      for (int c = 0; c < options.warm_count; ++c)
        sum += options.warm_start[std::size_t(c) * std::size_t(n) + std::size_t(i)];
      v0[i] = static_cast<float>(sum + noise * v0[i]);
    }
  }
  basis.scale_into(v0, 1.0 / basis.norm(v0), basis.col(0));

  EigsResult result;
  std::vector<double> h(static_cast<std::size_t>(m * m), 0.0);  // projected matrix, row-major
  auto H = [&](int i, int j) -> double& { return h[static_cast<std::size_t>(i * m + j)]; };
  int start = 0;  // first column to expand (the kept Ritz vectors come before it)
  std::vector<double> theta, s;
  double beta = 0;
  // Ritz pairs of the leading size x size block of H, the wanted end first: theta, and s (size x
  // size, row-major, stride size) holding the eigenvectors as columns.
  int size = 0;
  auto ritz = [&](int block) {
    size = block;
    std::vector<double> sub(static_cast<std::size_t>(block * block)), values, vectors;
    for (int i = 0; i < block; ++i) {
      for (int j = 0; j < block; ++j) sub[std::size_t(i * block + j)] = H(i, j);
    }
    jacobi_eigen(sub, block, values, vectors);
    std::vector<int> order(static_cast<std::size_t>(block));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](int x, int y) { return sign * values[std::size_t(x)] > sign * values[std::size_t(y)]; });
    theta.assign(static_cast<std::size_t>(block), 0);
    s.assign(static_cast<std::size_t>(block * block), 0);
    for (int c = 0; c < block; ++c) {
      theta[std::size_t(c)] = values[std::size_t(order[std::size_t(c)])];
      for (int r = 0; r < block; ++r)
        s[std::size_t(r * block + c)] = vectors[std::size_t(r * block + order[std::size_t(c)])];
    }
    // ||A y_c - theta_c y_c|| = |beta * s[last, c]| by the Lanczos relation.
    result.residuals.assign(static_cast<std::size_t>(nev), 0);
    bool done = true;
    for (int c = 0; c < nev; ++c) {
      const double r = std::abs(beta * s[std::size_t((block - 1) * block + c)]);
      result.residuals[std::size_t(c)] = r;
      const double t = theta[std::size_t(c)];
      done = done && (r <= options.tol * std::max(eps23, std::abs(t)) || (options.count_negative && t < 0));
    }
    return done;
  };
  // Convergence is also checked within a cycle, every kCheckEvery steps: a warm start or an easy
  // spectrum then stops long before the basis is full. The small eigenproblem costs O(m^3), noise
  // next to kCheckEvery products with an n-node graph.
  constexpr int kCheckEvery = 4;
  for (int restart = 0;; ++restart) {
    bool done = false;
    for (int j = start; j < m && !done; ++j) {
      op(basis.col(j), w.data());
      ++result.matvecs;
      const Basis::Orthogonalized o = basis.orthogonalize(j + 1, w.data());
      double projected = 0;
      for (int i = 0; i <= j; ++i) {
        H(i, j) = H(j, i) = o.h[std::size_t(i)];
        projected += o.h[std::size_t(i)] * o.h[std::size_t(i)];
      }
      beta = o.norm;
      // Breakdown: the basis spans an invariant subspace. Continue from a random orthogonal vector;
      // the coupling to it is zero, so the relation A V = V H + beta v e^T still holds. With f32
      // vectors a residual below ~1e-6 of A v_j is rounding noise, not a direction.
      double coupling = beta;
      if (beta <= 1e-6 * std::sqrt(projected)) {
        random_start(w.data());
        coupling = 0;
        beta = basis.orthogonalize(j + 1, w.data()).norm;
      }
      basis.scale_into(w.data(), 1.0 / beta, basis.col(j + 1));
      beta = coupling;
      const int block = j + 1;
      if (block == m || (block > nev && (block - start) % kCheckEvery == 0)) done = ritz(block);
    }
    result.restarts = restart;
    if (done || restart >= options.max_restarts) {
      result.converged = done;
      break;
    }
    // Thick restart: V[:, 0..keep) = the kept Ritz vectors, V[:, keep] = the residual direction;
    // H = diag(theta) bordered by the couplings beta * s[m-1, c].
    if (!kept) kept.reset(new float[static_cast<std::size_t>(n) * static_cast<std::size_t>(keep)]);
    basis.combine(m, s, m, keep, kept.get());
    basis.copy_into(kept.get(), static_cast<std::size_t>(keep), basis.col(0));
    basis.copy_into(basis.col(m), 1, basis.col(keep));
    std::fill(h.begin(), h.end(), 0.0);
    for (int c = 0; c < keep; ++c) {
      H(c, c) = theta[std::size_t(c)];
      H(c, keep) = H(keep, c) = beta * s[std::size_t((m - 1) * m + c)];
    }
    start = keep;
  }
  result.values.assign(theta.begin(), theta.begin() + nev);
  result.vectors.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(nev));
  basis.combine(size, s, size, nev, result.vectors.data());
  return result;
}

}  // namespace armperf::kernels::spectral
