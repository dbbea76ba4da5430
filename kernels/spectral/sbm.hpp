// Planted-partition stochastic block model graphs (issue 8). k blocks; an edge between nodes of the
// same block with probability p, of different blocks with q, independently. In the sparse regime
// p = a/n, q = b/n (mean degree (a + (k-1) b)/k for equal blocks); in the logarithmic one
// p = a log n / n, q = b log n / n. Degree correction (DC-SBM, as in GraphChallenge's data) scales
// the probability of {i, j} by theta_i theta_j, with heavy-tailed (Pareto) theta of mean 1 per block.
//
// Sampling is O(edges): a geometric skip over each row of each block pair (Batagelj-Brandes), with
// the thinning of Miller-Hagberg when theta varies along the row. Rows are cut into fixed chunks,
// each with its own random stream derived from (seed, block pair, chunk), and chunks are shared out
// over the team: the graph depends on the seed only, never on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

struct SbmParams {
  Index n = 0;
  int k = 2;
  double a = 0, b = 0;  // p = a/n, q = b/n (or a log n / n with log_regime)
  bool log_regime = false;
  std::vector<double> block_fractions;  // empty: equal blocks; else k positive weights (normalised)
  double degree_exponent = 0;           // 0: plain SBM; > 2: DC-SBM with theta ~ Pareto(exponent - 1)
  int stages = 1;                       // streaming: each edge is released in a uniform stage in [0, stages)
  std::uint64_t seed = 1;
  int threads = 1;
};

struct SbmGraph {
  Index n = 0;
  int k = 0;
  std::vector<Index> truth;        // block of every node, 0-based; blocks are contiguous id ranges
  std::vector<Index> block_begin;  // k + 1 boundaries
  std::vector<Edge> edges;         // u < v, no self-loops, no duplicates; grouped by chunk
  double p = 0, q = 0;             // the probabilities used
  int stages = 1;
};

// Throws std::invalid_argument naming the bad parameter (n, k, a, b, fractions, exponent, stages).
SbmGraph generate_sbm(const SbmParams& params);

// The symmetric CSR of the edges released up to stage (all of them by default), built on the team.
Csr sbm_csr(const SbmGraph& graph, std::int32_t stage = INT32_MAX, int threads = 1);

// Expected mean degree of the plain SBM with equal blocks: (a + (k-1) b) / k in the sparse regime.
double sbm_expected_degree(const SbmParams& params);

// Kesten-Stigum: detection better than chance is possible iff (a-b)^2 > k (a + (k-1) b).
bool above_kesten_stigum(double a, double b, int k);

// "n=20000,k=2,a=20,b=2[,seed=7][,theta=2.5][,stages=4][,log=1][,sizes=1:2:3]" (also p=,q= as
// probabilities). Throws std::invalid_argument naming the text and the bad item.
SbmParams parse_sbm_spec(const std::string& spec);

}  // namespace armperf::kernels::spectral
