#include "kernels/spectral/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace armperf::kernels::spectral {
namespace {

template <class F>
void on_slices(Index n, int threads, F&& fn) {
  if (threads == 1) {
    fn(Index{0}, n, 0);
    return;
  }
  spectral_team(threads).run([&](int t) {
    const Slice s = block_slice(static_cast<std::size_t>(n), threads, t);
    fn(static_cast<Index>(s.begin), static_cast<Index>(s.end), t);
  });
}

const float* point(const float* points, int d, Index i) { return points + std::size_t(i) * std::size_t(d); }

// k-means++ (Arthur-Vassilvitskii): each next center drawn with probability proportional to the
// squared distance to the nearest center chosen so far.
std::vector<float> seed_centers(const float* points, Index n, int d, int k, std::mt19937_64& rng) {
  std::vector<float> centers(static_cast<std::size_t>(k * d));
  auto take = [&](int j, Index i) { std::copy_n(point(points, d, i), d, &centers[std::size_t(j * d)]); };
  take(0, static_cast<Index>(std::uniform_int_distribution<Index>(0, n - 1)(rng)));
  std::vector<double> nearest(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i)
    nearest[std::size_t(i)] = distance_reference(Metric::l2, point(points, d, i), centers.data(), d);
  for (int j = 1; j < k; ++j) {
    double total = 0;
    for (double x : nearest) total += x;
    Index pick = static_cast<Index>(std::uniform_int_distribution<Index>(0, n - 1)(rng));
    if (total > 0) {
      double target = std::uniform_real_distribution<double>(0, total)(rng);
      for (Index i = 0; i < n; ++i) {
        target -= nearest[std::size_t(i)];
        if (target <= 0) {
          pick = i;
          break;
        }
      }
    }
    take(j, pick);
    for (Index i = 0; i < n; ++i) {
      nearest[std::size_t(i)] = std::min(nearest[std::size_t(i)],
                                         distance_reference(Metric::l2, point(points, d, i), &centers[std::size_t(j * d)], d));
    }
  }
  return centers;
}

}  // namespace

void kmeans_assign_rows(const KmeansAssignArgs& args, DistanceFn l2, Index begin, Index end) {
  // Blocks of points small enough that the block and its distances stay in L1 across the k centers.
  constexpr Index kBlock = 256;
  float dist[kBlock];
  for (Index b = begin; b < end; b += kBlock) {
    const Index count = std::min<Index>(kBlock, end - b);
    Index* labels = args.labels + b;
    float* best = args.dist2 + b;
    for (int j = 0; j < args.k; ++j) {
      l2(args.centers + std::size_t(j) * std::size_t(args.d), point(args.points, args.d, b), count, args.d,
         j == 0 ? best : dist);
      if (j == 0) {
        std::fill_n(labels, count, 0);
        continue;
      }
      for (Index i = 0; i < count; ++i) {
        // Strictly closer: on a tie the lower center index stays.
        const bool closer = dist[i] < best[i];
        best[i] = closer ? dist[i] : best[i];
        labels[i] = closer ? j : labels[i];
      }
    }
  }
}

double kmeans_assign_all(const KmeansAssignArgs& args, DistanceFn l2, int threads) {
  std::vector<double> partial(static_cast<std::size_t>(threads), 0.0);
  on_slices(args.n, threads, [&](Index begin, Index end, int t) {
    if (end <= begin) return;
    kmeans_assign_rows(args, l2, begin, end);
    double acc = 0;
    for (Index i = begin; i < end; ++i) acc += args.dist2[i];
    partial[std::size_t(t)] = acc;
  });
  double inertia = 0;
  for (double x : partial) inertia += x;
  return inertia;
}

double kmeans_lloyd_step(const KmeansAssignArgs& args, float* centers, DistanceFn l2, int threads) {
  const Index n = args.n;
  const int d = args.d, k = args.k;
  // Per-thread sums of the members of every cluster (d coordinates and a count), added in thread order.
  std::vector<double> sums(static_cast<std::size_t>(threads * k * (d + 1)), 0.0);
  on_slices(n, threads, [&](Index begin, Index end, int t) {
    double* mine = &sums[std::size_t(t * k * (d + 1))];
    for (Index i = begin; i < end; ++i) {
      double* s = mine + args.labels[i] * (d + 1);
      const float* x = point(args.points, d, i);
      for (int c = 0; c < d; ++c) s[c] += x[c];
      s[d] += 1;
    }
  });
  for (int j = 0; j < k; ++j) {
    std::vector<double> total(static_cast<std::size_t>(d + 1), 0.0);
    for (int t = 0; t < threads; ++t) {
      for (int c = 0; c <= d; ++c) total[std::size_t(c)] += sums[std::size_t((t * k + j) * (d + 1) + c)];
    }
    if (total[std::size_t(d)] == 0) continue;
    for (int c = 0; c < d; ++c)
      centers[j * d + c] = static_cast<float>(total[std::size_t(c)] / total[std::size_t(d)]);
  }
  return kmeans_assign_all(args, l2, threads);
}

KmeansResult kmeans(const float* points, Index n, int d, const KmeansOptions& options, DistanceFn l2) {
  const int k = options.k;
  if (k < 1 || k > n) throw std::invalid_argument("kmeans: k = " + std::to_string(k) + " must be in [1, n]");
  if (d < 1) throw std::invalid_argument("kmeans: dimension must be >= 1");
  std::mt19937_64 rng(options.seed);
  KmeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  std::vector<Index> labels(static_cast<std::size_t>(n)), before;
  std::vector<float> dist2(static_cast<std::size_t>(n));
  for (int restart = 0; restart < std::max(1, options.restarts); ++restart) {
    std::vector<float> centers = seed_centers(points, n, d, k, rng);
    const KmeansAssignArgs args{points, n, d, centers.data(), k, labels.data(), dist2.data()};
    double inertia = kmeans_assign_all(args, l2, options.threads);
    int iterations = 0;
    while (iterations < options.max_iterations) {
      before = labels;
      inertia = kmeans_lloyd_step(args, centers.data(), l2, options.threads);
      ++iterations;
      ++best.total_iterations;
      if (labels == before) break;
    }
    if (inertia < best.inertia) {
      best.inertia = inertia;
      best.labels = labels;
      best.centers = centers;
      best.iterations = iterations;
    }
  }
  return best;
}

void kmeans_assign_reference(const KmeansAssignArgs& args, std::vector<Index>& labels,
                             std::vector<double>& dist2) {
  labels.assign(static_cast<std::size_t>(args.n), 0);
  dist2.assign(static_cast<std::size_t>(args.n), 0.0);
  for (Index i = 0; i < args.n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (int j = 0; j < args.k; ++j) {
      const double dist =
          distance_reference(Metric::l2, point(args.points, args.d, i), args.centers + j * args.d, args.d);
      if (dist < best) {
        best = dist;
        labels[std::size_t(i)] = j;
      }
    }
    dist2[std::size_t(i)] = best;
  }
}

}  // namespace armperf::kernels::spectral
