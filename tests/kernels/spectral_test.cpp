// The spectral family (issue 8): generator statistics, SpMV against a double reference (every ISA
// row and the Eigen peer), eigenpairs against Eigen's dense solver (ours per ISA and Spectra), the
// k-means distance step per ISA, matching/ARI/NMI on known labelings, recovery above and below the
// Kesten-Stigum bound, and the graph file readers' errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kernels/spectral/graph_io.hpp"
#include "kernels/spectral/isa_kernels.hpp"
#include "kernels/spectral/peers.hpp"
#include "kernels/spectral/pipeline.hpp"
#include "kernels/spectral/sbm.hpp"
#include "tests/kernels/variant_param.hpp"

namespace armperf::kernels::spectral {
namespace {

std::vector<const KernelVariant*> rows_of(const char* op) {
  std::vector<const KernelVariant*> out;
  for (const KernelVariant* v : KernelRegistry::instance().variants(kFamily)) {
    if (v->op == op) out.push_back(v);
  }
  return out;
}

// The scalar set: runnable under every ARMPERF_MAX_ISA cap.
const SpectralKernels& scalar_kernels() {
  return KernelRegistry::instance().find("f32_lanczos_iter__scalar")->as<SpectralKernelsFn>()();
}

#define SPECTRAL_INSTANTIATE(suite, op) \
  INSTANTIATE_TEST_SUITE_P(Registry, suite, ::testing::ValuesIn(rows_of(op)), ::armperf::variant_test_name)

SbmParams params(Index n, int k, double a, double b, std::uint64_t seed = 1) {
  SbmParams p;
  p.n = n;
  p.k = k;
  p.a = a;
  p.b = b;
  p.seed = seed;
  return p;
}

// ---------------------------------------------------------------- generator (the sbm_generate row)

class SbmGenerateTest : public VariantTest {
 protected:
  SbmGraph generate(const SbmParams& p) const { return variant().as<SbmGraph (*)(const SbmParams&)>()(p); }
};

TEST_P(SbmGenerateTest, MeanDegreeWithinFourSigmaAndBlockDensitiesAsSpecified) {
  SbmParams p = params(20000, 3, 15, 3, 5);
  p.threads = 2;
  const SbmGraph g = generate(p);
  const Csr csr = sbm_csr(g);
  // Edges are a sum of independent Bernoullis: mean E = sum of pair probabilities, variance <= E.
  const double m = double(p.n) / p.k;
  const double pairs_in = p.k * m * (m - 1) / 2, pairs_out = p.k * (p.k - 1) / 2.0 * m * m;
  const double expected_edges = pairs_in * g.p + pairs_out * g.q;
  EXPECT_NEAR(double(g.edges.size()), expected_edges, 4 * std::sqrt(expected_edges));
  const double mean_degree = double(csr.nnz()) / p.n;
  EXPECT_NEAR(mean_degree, sbm_expected_degree(p), 4 * 2 * std::sqrt(expected_edges) / p.n);
  // Density of every block pair within 4 sigma of p or q.
  std::map<std::pair<int, int>, double> count;
  for (const Edge& e : g.edges) ++count[{g.truth[std::size_t(e.u)], g.truth[std::size_t(e.v)]}];
  for (int r = 0; r < p.k; ++r) {
    for (int s = r; s < p.k; ++s) {
      const double pairs = r == s ? m * (m - 1) / 2 : m * m, prob = r == s ? g.p : g.q;
      const double expected = pairs * prob;
      const double got = count[std::pair(r, s)];
      EXPECT_NEAR(got, expected, 4 * std::sqrt(expected)) << "block pair " << r << "," << s;
    }
  }
}

TEST_P(SbmGenerateTest, SymmetricWithoutSelfLoopsOrDuplicates) {
  const SbmGraph g = generate(params(3000, 2, 30, 5));
  const Csr csr = sbm_csr(g);
  std::set<std::pair<Index, Index>> entries;
  for (Index i = 0; i < csr.n; ++i) {
    for (Index p = csr.row_ptr[std::size_t(i)]; p < csr.row_ptr[std::size_t(i) + 1]; ++p) {
      const Index j = csr.col[std::size_t(p)];
      ASSERT_NE(i, j) << "self-loop";
      if (p > csr.row_ptr[std::size_t(i)]) {
        ASSERT_LT(csr.col[std::size_t(p) - 1], j) << "row " << i << " unsorted or duplicate";
      }
      entries.insert({i, j});
    }
  }
  for (const auto& [i, j] : entries)
    ASSERT_TRUE(entries.count({j, i})) << i << " -> " << j << " has no mirror";
  EXPECT_EQ(entries.size(), 2 * g.edges.size());
}

TEST_P(SbmGenerateTest, SameSeedSameGraphAtAnyThreadCount) {
  SbmParams p = params(5000, 4, 20, 2, 9);
  const SbmGraph one = generate(p);
  p.threads = 3;
  const SbmGraph three = generate(p);
  ASSERT_EQ(one.edges.size(), three.edges.size());
  for (std::size_t i = 0; i < one.edges.size(); ++i) {
    ASSERT_EQ(one.edges[i].u, three.edges[i].u);
    ASSERT_EQ(one.edges[i].v, three.edges[i].v);
  }
  p.seed = 10;
  EXPECT_NE(generate(p).edges.size() == one.edges.size() &&
                std::equal(one.edges.begin(), one.edges.end(), generate(p).edges.begin(),
                           [](const Edge& x, const Edge& y) { return x.u == y.u && x.v == y.v; }),
            true)
      << "another seed gave the same graph";
}

TEST_P(SbmGenerateTest, UnequalBlocksAndHeavyTailedDegrees) {
  SbmParams p = params(20000, 3, 24, 2);
  p.block_fractions = {1, 2, 5};
  p.degree_exponent = 2.5;
  const SbmGraph g = generate(p);
  EXPECT_EQ(g.block_begin[1] - g.block_begin[0], 2500);
  EXPECT_EQ(g.block_begin[3] - g.block_begin[2], 12500);
  const Csr csr = sbm_csr(g);
  const std::vector<double> d = csr_degrees(csr.ref());
  const double mean = double(csr.nnz()) / p.n;
  const double max = *std::max_element(d.begin(), d.end());
  // A Pareto(1.5) tail: the largest degree is many times the mean, unlike a Poisson SBM.
  EXPECT_GT(max, 10 * mean);
}

TEST_P(SbmGenerateTest, StreamingStagesGrowToTheWholeGraph) {
  SbmParams p = params(4000, 2, 20, 4);
  const SbmGraph whole = generate(p);
  p.stages = 4;
  const SbmGraph streamed = generate(p);
  ASSERT_EQ(whole.edges.size(), streamed.edges.size());
  Index previous = 0;
  for (int s = 0; s < 4; ++s) {
    const Index nnz = sbm_csr(streamed, s).nnz();
    EXPECT_GT(nnz, previous) << "stage " << s;
    EXPECT_NEAR(double(nnz), 2.0 * whole.edges.size() * (s + 1) / 4, 0.1 * whole.edges.size())
        << "stage " << s;
    previous = nnz;
  }
  EXPECT_EQ(previous, sbm_csr(whole).nnz());
}

TEST_P(SbmGenerateTest, RejectsBadParameters) {
  EXPECT_THROW(generate(params(0, 2, 1, 1)), std::invalid_argument);
  EXPECT_THROW(generate(params(10, 11, 1, 1)), std::invalid_argument);
  EXPECT_THROW(generate(params(10, 2, -1, 1)), std::invalid_argument);
  SbmParams p = params(100, 2, 5, 1);
  p.degree_exponent = 1.5;
  EXPECT_THROW(generate(p), std::invalid_argument);
}

SPECTRAL_INSTANTIATE(SbmGenerateTest, kOpGenerate);

TEST(SbmSpec, ParsesAndNamesTheBadItem) {
  const SbmParams p = parse_sbm_spec("n=1000,k=3,a=12,b=1.5,seed=7,theta=2.5,sizes=1:1:2,stages=3");
  EXPECT_EQ(p.n, 1000);
  EXPECT_EQ(p.k, 3);
  EXPECT_DOUBLE_EQ(p.b, 1.5);
  EXPECT_EQ(p.seed, 7u);
  EXPECT_EQ(p.block_fractions.size(), 3u);
  EXPECT_EQ(p.stages, 3);
  EXPECT_DOUBLE_EQ(parse_sbm_spec("n=100,k=2,p=0.2,q=0.01").a, 20.0);
  EXPECT_THAT([] { parse_sbm_spec("n=100,k=2,a=x,b=1"); },
              testing::ThrowsMessage<std::invalid_argument>(testing::HasSubstr("a=x is not a number")));
  EXPECT_THAT([] { parse_sbm_spec("n=100,k=2,a=3"); },
              testing::ThrowsMessage<std::invalid_argument>(testing::HasSubstr("needs n, k")));
  EXPECT_THAT([] { parse_sbm_spec("n=100,k=2,a=3,b=1,colour=red"); },
              testing::ThrowsMessage<std::invalid_argument>(testing::HasSubstr("unknown key \"colour\"")));
  EXPECT_TRUE(above_kesten_stigum(20, 2, 2));
  EXPECT_FALSE(above_kesten_stigum(5, 4, 2));
}

// ---------------------------------------------------------------- CSR

TEST(Csr, SymmetrisesMergesAndDropsSelfLoops) {
  const std::vector<Edge> edges = {{0, 1, 0, 2.0f}, {1, 0, 0, 3.0f}, {2, 2, 0, 1.0f}, {3, 1, 0, 1.0f}};
  const Csr w = csr_from_edges(5, edges, true, INT32_MAX, 2);
  EXPECT_EQ(w.row_ptr, (std::vector<Index>{0, 1, 3, 3, 4, 4}));
  EXPECT_EQ(w.col, (std::vector<Index>{1, 0, 3, 1}));
  EXPECT_EQ(w.val, (std::vector<float>{5, 5, 1, 1}));
  const Csr p = csr_from_edges(5, edges, false);
  EXPECT_EQ(p.col, w.col);
  EXPECT_TRUE(p.val.empty());
  EXPECT_THROW(csr_from_edges(3, std::vector<Edge>{{0, 3}}, false), std::invalid_argument);
}

TEST(Csr, RowRangesCoverEveryRowAndBalanceWork) {
  const Csr g = sbm_csr(generate_sbm(params(1000, 2, 10, 1)));
  for (int parts : {1, 2, 3, 7}) {
    Index next = 0;
    for (int t = 0; t < parts; ++t) {
      const RowRange r = row_range(g.ref(), parts, t);
      EXPECT_EQ(r.begin, next);
      next = r.end;
      const double work = g.row_ptr[std::size_t(r.end)] - g.row_ptr[std::size_t(r.begin)] + (r.end - r.begin);
      EXPECT_NEAR(work, double(g.nnz() + g.n) / parts, 64) << parts << " parts, part " << t;
    }
    EXPECT_EQ(next, g.n);
  }
}

// ---------------------------------------------------------------- SpMV (every ISA row, the Eigen peer)

class SpmvTest : public VariantTest {
 protected:
  bool pattern() const { return variant().name.ends_with("_pattern"); }
  // Runs the variant on a, with scale and diag, at `threads`, from a PlacedCsr; compares with the
  // double reference: |y - ref| <= 8 eps (sum |a_ij x_j| + |diag_i x_i|). With `columns` > n, x
  // has that length and the matrix is n x columns (the benchmarks' row-free regrouping).
  void check(const Csr& graph, int threads, float scale, bool with_diag, Index columns = 0) {
    SCOPED_TRACE("n=" + std::to_string(graph.n) + " threads=" + std::to_string(threads));
    Csr g = graph;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> dist(-2, 2);
    if (!pattern()) {
      g.val.resize(g.col.size());
      for (auto& v : g.val) v = dist(rng);
    } else {
      g.val.clear();
    }
    const PlacedCsr placed(g.ref(), threads);
    Buffer xb = columns > g.n ? Buffer(std::size_t(columns) * sizeof(float)) : placed.placed_vector();
    Buffer yb = placed.placed_vector();
    for (Index j = 0; j < std::max(columns, g.n); ++j) xb.as<float>()[j] = dist(rng);
    std::vector<float> diag(std::size_t(g.n));
    for (Index i = 0; i < g.n; ++i) {
      diag[std::size_t(i)] = dist(rng);
      yb.as<float>()[i] = std::nanf("");
    }
    SpmvArgs args{.a = placed.ref(),
                  .x = xb.as<float>(),
                  .y = yb.as<float>(),
                  .scale = scale,
                  .diag = with_diag ? diag.data() : nullptr,
                  .threads = threads};
    variant().as<SpmvFn>()(args);
    std::vector<double> ref;
    spmv_reference(args, ref);
    for (Index i = 0; i < g.n; ++i) {
      double magnitude = with_diag ? std::abs(double(diag[std::size_t(i)]) * args.x[i]) : 0.0;
      for (Index p = g.row_ptr[std::size_t(i)]; p < g.row_ptr[std::size_t(i) + 1]; ++p) {
        magnitude += std::abs((pattern() ? 1.0 : double(g.val[std::size_t(p)])) *
                              args.x[g.col[std::size_t(p)]] * scale);
      }
      ASSERT_NEAR(args.y[i], ref[std::size_t(i)], 8 * 1.2e-7 * (magnitude + 1e-30)) << "row " << i;
    }
  }
};

// Rows of every length from 0 to 70 (empty rows, tails of every vector width up to 2048-bit SVE);
// the kernels do not need symmetry, so the rows are built directly.
Csr ragged_graph() {
  std::mt19937 rng(3);
  Csr g;
  g.n = 200;
  for (Index i = 0; i < g.n; ++i) {
    const Index len = (i * 7) % 71;
    for (Index t = 0; t < len; ++t) g.col.push_back(Index(rng() % std::uint32_t(g.n)));
    g.row_ptr.push_back(static_cast<Index>(g.col.size()));
  }
  return g;
}

TEST_P(SpmvTest, MatchesTheReferenceOnRaggedRowsIncludingEmptyOnes) {
  const Csr g = ragged_graph();
  ASSERT_EQ(g.row_ptr[1], 0) << "row 0 should be empty";
  for (int threads : {1, 3}) check(g, threads, 1.0f, false);
}

TEST_P(SpmvTest, ScaleAndDiagonalAsTheBetheHessianUsesThem) { check(ragged_graph(), 2, -2.5f, true); }

TEST_P(SpmvTest, SingleRowAndEmptyGraphs) {
  Csr one;
  one.n = 1;
  one.row_ptr = {0, 0};
  check(one, 1, 1.0f, true);
  check(one, 4, 1.0f, false);  // more threads than rows
  check(Csr{}, 2, 1.0f, false);
}

TEST_P(SpmvTest, AnSbmGraphAtSeveralThreadCounts) {
  const Csr g = sbm_csr(generate_sbm(params(3000, 2, 20, 2)));
  for (int threads : {1, 2, 5}) check(g, threads, 1.0f, false);
}

TEST_P(SpmvTest, FewLongRowsReadAnXLongerThanTheRows) {
  // The benchmarks' row-free ceiling runs our kernels on a matrix of a few 1024-entry rows whose
  // columns reach far past the row count.
  if (variant().impl != "armperf") GTEST_SKIP() << "peers take square matrices only";
  std::mt19937 rng(11);
  Csr g;
  g.n = 5;
  const Index columns = 3000;
  for (Index i = 0; i < g.n; ++i) {
    const Index length = i == g.n - 1 ? 517 : 1024;  // the last row shorter: a partial tail
    for (Index t = 0; t < length; ++t) g.col.push_back(Index(rng() % std::uint32_t(columns)));
    g.row_ptr.push_back(static_cast<Index>(g.col.size()));
  }
  for (int threads : {1, 2}) check(g, threads, 1.0f, false, columns);
}

SPECTRAL_INSTANTIATE(SpmvTest, kOpSpmv);

// ---------------------------------------------------------------- k-means distance step per ISA

class KmeansTest : public VariantTest {
 protected:
  // The row's kernels: its k-NN squared-L2 kernel, of the row's ISA.
  DistanceFn l2() const { return variant().as<SpectralKernelsFn>()().l2; }
};

TEST_P(KmeansTest, UsesTheKnnDistanceKernelOfItsIsa) {
  EXPECT_EQ(l2(), f32_distance_kernel(variant().isa, kL2Op));
}

TEST_P(KmeansTest, AssignmentMatchesTheReference) {
  std::mt19937 rng(17);
  std::normal_distribution<float> noise(0, 1);
  for (Index n : {1, 7, 33, 1001}) {
    for (int d : {1, 2, 5}) {
      for (int k : {1, 3, 9}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " d=" + std::to_string(d) + " k=" + std::to_string(k));
        std::vector<float> points(std::size_t(n) * d), centers(std::size_t(k) * d);
        for (auto& x : points) x = noise(rng);
        for (auto& x : centers) x = noise(rng);
        std::vector<Index> labels(std::size_t(n), -1);
        std::vector<float> dist2(std::size_t(n), -1);
        const KmeansAssignArgs args{points.data(), n, d, centers.data(), k, labels.data(), dist2.data()};
        kmeans_assign_all(args, l2(), 2);
        std::vector<Index> ref_labels;
        std::vector<double> ref_dist;
        kmeans_assign_reference(args, ref_labels, ref_dist);
        for (Index i = 0; i < n; ++i) {
          ASSERT_NEAR(dist2[std::size_t(i)], ref_dist[std::size_t(i)], 1e-5 * (1 + ref_dist[std::size_t(i)]))
              << "point " << i;
          // A different label is allowed only on a near-tie.
          if (labels[std::size_t(i)] != ref_labels[std::size_t(i)]) {
            const KmeansAssignArgs one{
                points.data(), n, d, centers.data() + labels[std::size_t(i)] * d, 1, nullptr, nullptr};
            std::vector<Index> l;
            std::vector<double> dd;
            kmeans_assign_reference(one, l, dd);
            ASSERT_NEAR(dd[std::size_t(i)], ref_dist[std::size_t(i)], 1e-5 * (1 + ref_dist[std::size_t(i)]))
                << "point " << i;
          }
        }
      }
    }
  }
}

TEST_P(KmeansTest, SeparatedClustersAreFound) {
  const Index n = 3000;
  const int k = 4;
  std::vector<float> points(std::size_t(n) * 2);
  std::vector<Index> truth(static_cast<std::size_t>(n));
  std::mt19937 rng(2);
  std::normal_distribution<float> noise(0, 0.1f);
  for (Index i = 0; i < n; ++i) {
    truth[std::size_t(i)] = i % k;
    points[std::size_t(2 * i)] = float(i % k % 2) * 4 + noise(rng);
    points[std::size_t(2 * i + 1)] = float(i % k / 2) * 4 + noise(rng);
  }
  const KmeansResult r = kmeans(points.data(), n, 2, {.k = k, .seed = 3, .threads = 2}, l2());
  EXPECT_DOUBLE_EQ(score_partition(truth, r.labels).accuracy, 1.0);
  EXPECT_GE(r.iterations, 1);
}

SPECTRAL_INSTANTIATE(KmeansTest, kOpKmeans);

// ---------------------------------------------------------------- eigensolvers vs Eigen's dense solver

Eigen::MatrixXd dense(const Csr& g) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(g.n, g.n);
  for (Index i = 0; i < g.n; ++i) {
    for (Index p = g.row_ptr[std::size_t(i)]; p < g.row_ptr[std::size_t(i) + 1]; ++p) {
      a(i, g.col[std::size_t(p)]) = g.val.empty() ? 1.0 : g.val[std::size_t(p)];
    }
  }
  return a;
}

class LanczosTest : public VariantTest {
 protected:
  EigsResult solve(const Csr& g, const EigsOptions& options) const {
    if (variant().impl != "armperf") return variant().as<EigsPeerFn>()(g.ref(), options);
    const SpectralOperator op(g.ref(), OperatorKind::adjacency, variant().as<SpectralKernelsFn>()(),
                              options.threads);
    return lanczos_eigs(op.as_function(), g.n, options);
  }
};

TEST_P(LanczosTest, EigenpairsMatchTheDenseSolver) {
  Csr g = sbm_csr(generate_sbm(params(200, 3, 30, 3, 4)));
  g.val.assign(g.col.size(), 1.0f);
  const Eigen::MatrixXd a = dense(g);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> exact(a);
  for (bool smallest : {false, true}) {
    SCOPED_TRACE(smallest ? "smallest" : "largest");
    const int nev = 4;
    const double tol = 1e-5;
    const EigsResult r = solve(g, {.nev = nev, .smallest = smallest, .tol = tol, .ncv = 24, .threads = 2});
    ASSERT_TRUE(r.converged);
    ASSERT_EQ(r.values.size(), std::size_t(nev));
    for (int c = 0; c < nev; ++c) {
      const double want = smallest ? exact.eigenvalues()(c) : exact.eigenvalues()(g.n - 1 - c);
      const double lambda = r.values[std::size_t(c)];
      EXPECT_NEAR(lambda, want, 1e-4 * std::abs(want) + 1e-4) << "pair " << c;
      Eigen::VectorXd v(g.n);
      for (Index i = 0; i < g.n; ++i) v(i) = r.vectors[std::size_t(c) * std::size_t(g.n) + std::size_t(i)];
      EXPECT_NEAR(v.norm(), 1.0, 1e-4);
      // f32 vectors: the true residual sits at the tolerance plus f32 rounding of A v.
      EXPECT_LE((a * v - lambda * v).norm(), tol * std::abs(lambda) + 1e-5 * a.norm()) << "pair " << c;
    }
  }
}

TEST_P(LanczosTest, RejectsNevOutsideTheMatrix) {
  Csr g = sbm_csr(generate_sbm(params(10, 2, 5, 1)));
  g.val.assign(g.col.size(), 1.0f);
  if (variant().impl == "armperf") {
    EXPECT_THROW(solve(g, {.nev = 10}), std::invalid_argument);
  }
  EXPECT_THROW(lanczos_eigs([](const float*, float*) {}, 10, {.nev = 0}), std::invalid_argument);
}

SPECTRAL_INSTANTIATE(LanczosTest, kOpLanczos);

TEST(Lanczos, WarmStartNeedsFewerProducts) {
  Csr g = sbm_csr(generate_sbm(params(3000, 2, 20, 3)));
  const SpectralOperator op(g.ref(), OperatorKind::adjacency, scalar_kernels(), 1);
  const EigsOptions cold{.nev = 2, .tol = 1e-5};
  const EigsResult first = lanczos_eigs(op.as_function(), g.n, cold);
  ASSERT_TRUE(first.converged);
  EigsOptions warm = cold;
  warm.warm_start = first.vectors.data();
  warm.warm_count = 2;
  const EigsResult second = lanczos_eigs(op.as_function(), g.n, warm);
  ASSERT_TRUE(second.converged);
  EXPECT_LT(second.matvecs, first.matvecs);
  EXPECT_NEAR(second.values[0], first.values[0], 1e-4 * std::abs(first.values[0]));
}

TEST(Jacobi, DiagonalisesASymmetricMatrix) {
  const int m = 6;
  std::vector<double> a(m * m);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> dist(-1, 1);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j <= i; ++j) a[std::size_t(i * m + j)] = a[std::size_t(j * m + i)] = dist(rng);
  }
  std::vector<double> values, vectors;
  jacobi_eigen(a, m, values, vectors);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> exact(Eigen::Map<Eigen::MatrixXd>(a.data(), m, m));
  for (int c = 0; c < m; ++c) EXPECT_NEAR(values[std::size_t(c)], exact.eigenvalues()(c), 1e-12);
}

// ---------------------------------------------------------------- metrics

TEST(Metrics, HungarianFindsTheMinimumCostAssignment) {
  // Known optimum: rows 0,1,2 -> columns 1,0,2 with cost 1 + 2 + 2 = 5.
  const std::vector<double> cost = {4, 1, 3, 2, 0, 5, 3, 2, 2};
  EXPECT_EQ(hungarian_min_cost(cost, 3, 3), (std::vector<int>{1, 0, 2}));
  // Rectangular: 2 rows, 3 columns; the best uses column 2 for row 0.
  EXPECT_EQ(hungarian_min_cost({5, 9, 1, 1, 9, 9}, 2, 3), (std::vector<int>{2, 0}));
  // Exhaustive check against every permutation on random 5x5 matrices.
  std::mt19937 rng(8);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> c(25);
    for (auto& x : c) x = double(rng() % 100);
    const std::vector<int> got = hungarian_min_cost(c, 5, 5);
    double got_cost = 0, best = 1e300;
    for (int i = 0; i < 5; ++i) got_cost += c[std::size_t(i * 5 + got[std::size_t(i)])];
    std::vector<int> perm = {0, 1, 2, 3, 4};
    do {
      double s = 0;
      for (int i = 0; i < 5; ++i) s += c[std::size_t(i * 5 + perm[std::size_t(i)])];
      best = std::min(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_EQ(got_cost, best);
  }
}

TEST(Metrics, IdenticalUpToRenamingScoresOne) {
  const std::vector<Index> truth = {0, 0, 1, 1, 2, 2, 2};
  const std::vector<Index> renamed = {2, 2, 0, 0, 1, 1, 1};
  const RecoveryScores s = score_partition(truth, renamed);
  EXPECT_DOUBLE_EQ(s.accuracy, 1.0);
  EXPECT_NEAR(s.ari, 1.0, 1e-12);
  EXPECT_NEAR(s.nmi, 1.0, 1e-12);
}

TEST(Metrics, KnownValues) {
  // scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714,
  // normalized_mutual_info_score(same) = 0.8.
  const RecoveryScores s = score_partition({0, 0, 1, 1}, {0, 0, 1, 2});
  EXPECT_NEAR(s.ari, 0.5714285714, 1e-9);
  EXPECT_NEAR(s.nmi, 0.8, 1e-9);
  EXPECT_DOUBLE_EQ(s.accuracy, 0.75);
}

TEST(Metrics, IndependentLabelingsScoreNearZero) {
  std::mt19937 rng(4);
  std::vector<Index> a(20000), b(20000);
  for (auto& x : a) x = Index(rng() % 3);
  for (auto& x : b) x = Index(rng() % 3);
  const RecoveryScores s = score_partition(a, b);
  EXPECT_NEAR(s.ari, 0.0, 0.01);
  EXPECT_NEAR(s.nmi, 0.0, 0.01);
  EXPECT_LT(s.accuracy, 0.36);
  EXPECT_THROW(score_partition({0, 1}, {0}), std::invalid_argument);
}

// ---------------------------------------------------------------- recovery (every pipeline row)

class PipelineTest : public VariantTest {
 protected:
  PipelineResult run(const SbmParams& p, OperatorKind op, bool give_truth = true) const {
    const SbmGraph g = generate_sbm(p);
    const Csr csr = sbm_csr(g);
    return run_pipeline(csr.ref(), give_truth ? &g.truth : nullptr, {.op = op, .threads = 2, .seed = 5},
                        variant().as<SpectralKernelsFn>()());
  }
};

TEST_P(PipelineTest, RecoversFarAboveKestenStigum) {
  for (OperatorKind op : {OperatorKind::bethe_hessian, OperatorKind::adjacency, OperatorKind::normalized}) {
    SCOPED_TRACE(std::string(operator_name(op)));
    const PipelineResult r = run(params(5000, 2, 20, 2, 11), op);
    ASSERT_TRUE(r.scores.has_value());
    EXPECT_GE(r.scores->accuracy, 0.95);
    EXPECT_GE(r.scores->ari, 0.8);
    EXPECT_EQ(r.k, 2);
    EXPECT_EQ(r.k_source, "truth");
  }
}

TEST_P(PipelineTest, NoBetterThanChanceBelowKestenStigum) {
  ASSERT_FALSE(above_kesten_stigum(5, 4, 2));
  const PipelineResult r = run(params(5000, 2, 5, 4, 11), OperatorKind::bethe_hessian);
  EXPECT_LE(r.scores->accuracy, 0.6);
}

TEST_P(PipelineTest, DeterministicWithASeed) {
  const PipelineResult a = run(params(5000, 2, 20, 2, 3), OperatorKind::bethe_hessian);
  const PipelineResult b = run(params(5000, 2, 20, 2, 3), OperatorKind::bethe_hessian);
  EXPECT_EQ(a.labels, b.labels);
}

TEST_P(PipelineTest, EstimatesKFromTheBetheHessian) {
  const PipelineResult r = run(params(6000, 3, 30, 2, 6), OperatorKind::bethe_hessian, false);
  EXPECT_EQ(r.k, 3);
  EXPECT_EQ(r.k_source, "bethe-hessian negative eigenvalues");
}

SPECTRAL_INSTANTIATE(PipelineTest, kOpPipeline);

// ---------------------------------------------------------------- files

class GraphFiles : public testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    // Per process: the same test may run at once in another build's test run on this machine.
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("armperf_spectral_" + std::to_string(::getpid()) + "_" + name))
                                 .string();
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& p : paths_) std::remove(p.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(GraphFiles, ReadsTsvAndMatrixMarket) {
  const GraphFile tsv = read_graph(write("ok.tsv", "1\t2\t1\n2\t1\t1\n# comment\n2 5 1\n"));
  EXPECT_EQ(tsv.n, 5);
  EXPECT_EQ(tsv.edges.size(), 3u);
  EXPECT_FALSE(tsv.weighted);
  const Csr csr = csr_from_edges(tsv.n, tsv.edges, tsv.weighted);
  EXPECT_EQ(csr.nnz(), 4);  // {1,2} once despite both directions, {2,5}; nodes 3, 4 isolated
  const GraphFile mm = read_graph(
      write("ok.mtx", "%%MatrixMarket matrix coordinate real symmetric\n% c\n4 4 2\n2 1 0.5\n4 3 2\n"));
  EXPECT_EQ(mm.n, 4);
  EXPECT_TRUE(mm.weighted);
}

TEST_F(GraphFiles, MalformedFilesNameTheFileLineAndWhatWasExpected) {
  using testing::HasSubstr;
  using testing::ThrowsMessage;
  const std::string text = write("text.tsv", "1 2 1\n2 x 1\n");
  EXPECT_THAT([&] { read_graph(text); }, ThrowsMessage<std::invalid_argument>(HasSubstr(
                                             text + ":2: expected dst as a positive integer, got \"x\"")));
  const std::string ragged = write("ragged.tsv", "1 2 1\n2 3\n");
  EXPECT_THAT([&] { read_graph(ragged); },
              ThrowsMessage<std::invalid_argument>(HasSubstr(ragged + ":2: expected 3 fields")));
  const std::string zero = write("zero.tsv", "0 2\n");
  EXPECT_THAT([&] { read_graph(zero); },
              ThrowsMessage<std::invalid_argument>(HasSubstr(zero + ":1: src 0 is out of range")));
  const std::string empty = write("empty.tsv", "");
  EXPECT_THAT([&] { read_graph(empty); },
              ThrowsMessage<std::invalid_argument>(HasSubstr(empty + ": no edges")));
  const std::string mm =
      write("bad.mtx", "%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n4 1\n");
  EXPECT_THAT([&] { read_graph(mm); },
              ThrowsMessage<std::invalid_argument>(HasSubstr(mm + ":4: entry (4, 1) is outside")));
  const std::string truth = write("truth.tsv", "1 1\n3 2\n");
  Index n = 3;
  EXPECT_THAT([&] { read_truth(truth, n); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("node 2 of 1..3 has no block")));
  EXPECT_THROW(read_graph("/nonexistent/graph.tsv"), std::invalid_argument);
}

// DC-SBM with unequal blocks written as a GraphChallenge TSV, read back, recovered (issue 8).
TEST_F(GraphFiles, DegreeCorrectedUnequalBlocksRoundTripAndAreRecovered) {
  SbmParams p = params(12000, 3, 40, 2, 21);
  p.block_fractions = {1, 2, 3};
  p.degree_exponent = 3.0;
  const SbmGraph g = generate_sbm(p);
  const std::string edges = write("dc.tsv", ""), truth = write("dc_truth.tsv", "");
  write_edge_tsv(edges, g.edges);
  write_truth(truth, g.truth);
  const GraphFile file = read_graph(edges);
  Index n = file.n;
  const std::vector<Index> blocks = read_truth(truth, n);
  EXPECT_EQ(blocks, g.truth);
  const Csr csr = csr_from_edges(n, file.edges, file.weighted);
  const PipelineResult r = run_pipeline(csr.ref(), &blocks, {.threads = 2}, scalar_kernels());
  EXPECT_GE(r.scores->accuracy, 0.9);
}

}  // namespace
}  // namespace armperf::kernels::spectral
