// Report views (reports/views.hpp): what each table holds, built from rows written the way the probes write
// them.
#include "reports/views.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/load.hpp"

namespace armperf::reports {
namespace {

// One probe or kernel row of an armperf result file; `fields` is the rest of the JSON object.
std::string row(const std::string& name, const std::string& suite, const std::string& op,
                const std::string& fields) {
  return R"({"name": ")" + name + R"(", "suite": ")" + suite + R"(", "op": ")" + op +
         R"(", "impl": "armperf", "isa": "scalar", "threads": 1, "real_time": 1, )" + fields + "}";
}

reports::Run run_of(const std::vector<std::string>& rows, const std::string& context = "{}") {
  std::string text = R"({"context": )" + context + R"(, "benchmarks": [)";
  for (std::size_t i = 0; i < rows.size(); ++i) text += (i ? "," : "") + rows[i];
  return parse_run(text + "]}", "views.json");
}

const View* find_view(const std::vector<View>& views, const std::string& title_start) {
  for (const View& v : views)
    if (v.title.rfind(title_start, 0) == 0) return &v;
  return nullptr;
}

TEST(Views, NoProbeRowsNoViews) {
  const reports::Run run =
      run_of({row("f32_relu__scalar_u4/64", "kernel", "relu", R"("size": "256", "gbps": 3)")});
  EXPECT_TRUE(report_views({run}, {"m"}).empty());
}

// A kernel row of `impl` with a repetition per value of `metric` ("gflops" or "real_time"); `extra`
// adds fields ("placement": ..., "error_message": ...).
std::string kernel_rows(const std::string& name, const std::string& impl, int threads,
                        const std::string& metric, std::vector<double> values,
                        const std::string& extra = R"("placement": "compact")") {
  std::string rows;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string value = metric == "real_time"
                                  ? fmt::format(R"("real_time": {})", values[i])
                                  : fmt::format(R"("real_time": 1, "{}": {})", metric, values[i]);
    rows +=
        (i ? ", " : "") + fmt::format(R"({{"name": "{}", "suite": "kernel", "op": "sgemm", "impl": "{}", )"
                                      R"("isa": "avx2", "dtype": "f32", "size": "64x64x64", "threads": {}, )"
                                      R"("repetition_index": {}, {}, {}}})",
                                      name, impl, threads, i, value, extra);
  }
  return rows;
}

std::string gemm_row(const std::string& name, const std::string& impl, int threads,
                     std::vector<double> gflops) {
  return kernel_rows(name, impl, threads, "gflops", std::move(gflops));
}

TEST(Views, PeersTableSetsOurBestVariantAgainstTheBestPeerPerShapeAndThreads) {
  const reports::Run run = run_of({
      gemm_row("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, {99, 100, 101}),
      gemm_row("f32_sgemm__scalar/64x64x64", "armperf", 1, {5, 5, 5}),
      gemm_row("f32_sgemm__openblas/64x64x64", "openblas", 1, {80, 80, 80}),
      gemm_row("f32_sgemm__blis/64x64x64", "blis", 1, {79, 81, 81}),
      // Neither a reference (libm) nor a peer that failed is a peer.
      gemm_row("f32_sgemm__libm/64x64x64", "libm", 1, {500, 500, 500}),
      kernel_rows("f32_sgemm__onednn/64x64x64", "onednn", 1, "gflops", {900},
                  R"("placement": "compact", "error_message": "isa unsupported: avx512")"),
      // Two threads: the peer is faster, and our own repetitions spread past 5 %.
      gemm_row("f32_sgemm__avx2_6x16/64x64x64/threads:2", "armperf", 2, {150, 190, 170}),
      gemm_row("f32_sgemm__openblas/64x64x64/threads:2", "openblas", 2, {200, 200, 200}),
      // Spread placement is a group of its own.
      kernel_rows("f32_sgemm__avx2_6x16/64x64x64/threads:2/spread", "armperf", 2, "gflops", {100},
                  R"("placement": "spread")"),
      kernel_rows("f32_sgemm__openblas/64x64x64/threads:2/spread", "openblas", 2, "gflops", {50},
                  R"("placement": "spread")"),
      // No peer at this size: no row.
      gemm_row("f32_sgemm__avx2_6x16/128x128x128", "armperf", 1, {100, 100, 100}),
  });
  const auto views = report_views({run}, {"m"});
  const View* v = find_view(views, "Ours against the peer libraries — m");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->rows.size(), 3u);
  EXPECT_EQ(v->rows[0], (std::vector<std::string>{"sgemm", "f32", "64x64x64", "1", "compact", "",
                                                  "gflops (GFLOP/s)", "f32_sgemm__avx2_6x16", "blis", "100.0",
                                                  "81.00", "1.23", "—", "—", "—"}));
  EXPECT_EQ(v->rows[1][3], "2");
  EXPECT_EQ(v->rows[1][8], "openblas");
  EXPECT_EQ(v->rows[1][11], "0.85 (noisy)");
  EXPECT_EQ(v->rows[2][4], "spread");
  EXPECT_EQ(v->rows[2][11], "2.00 (spread unknown)");  // one repetition a side
}

TEST(Views, PeersTableSpeedupOfATimeIsPeerOverOurs) {
  const reports::Run run = run_of({
      kernel_rows("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, "real_time", {2, 2, 2}),
      kernel_rows("f32_sgemm__openblas/64x64x64", "openblas", 1, "real_time", {3, 3, 3}),
  });
  const auto views = report_views({run}, {"m"});
  const View* v = find_view(views, "Ours against the peer libraries");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->rows.size(), 1u);
  EXPECT_EQ(v->rows[0][11], "1.50");  // ours takes 2 ns, the peer 3: ours is 1.5x as fast
}

// A run in rounds, as `armperf run` marks it in its context.
constexpr const char* kRoundsContext = R"({"armperf_run": {"plan": {"interleaved": true}}})";

TEST(Views, PeersTablePairsTheRepetitionsOfOneRound) {
  // Rounds 1 and 2 were slow for both, round 4 for ours only: the medians (64 against 98) make ours
  // 0.65 of the peer, while ours was ahead in the four rounds that met the same machine.
  const std::vector<std::string> rows = {
      gemm_row("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, {100, 60, 62, 101, 64}),
      gemm_row("f32_sgemm__openblas/64x64x64", "openblas", 1, {98, 58, 61, 99, 100}),
  };
  const auto views = report_views({run_of(rows, kRoundsContext)}, {"m"});
  const View* v = find_view(views, "Ours against the peer libraries");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->rows.size(), 1u);
  EXPECT_EQ(v->rows[0][11], "0.65 (noisy)");
  // Round speedups 1.020, 1.034, 1.016, 1.020, 0.640; with 5 rounds the interval is their range.
  EXPECT_EQ(v->rows[0][12], "1.02 [0.64, 1.03]");
  EXPECT_EQ(v->rows[0][13], "4/5");
  // The same rows without the mark of rounds: no pairing.
  const auto plain = report_views({run_of(rows)}, {"m"});
  EXPECT_EQ(find_view(plain, "Ours against the peer libraries")->rows[0][12], "—");
}

TEST(Views, PeersTablePairsOnlyRoundsBothSidesHave) {
  // A peer cut short after two rounds (a resumed run's missing repetitions, say): three rounds pair.
  std::string peer = gemm_row("f32_sgemm__openblas/64x64x64", "openblas", 1, {50, 100});
  const auto views = report_views(
      {run_of({gemm_row("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, {100, 100, 100, 100}), peer},
              kRoundsContext)},
      {"m"});
  const View* v = find_view(views, "Ours against the peer libraries");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->rows[0][12], "1.50 [1.00, 2.00]");
  EXPECT_EQ(v->rows[0][13], "1/2");
}

// A peakflops row of `isa` and `dtype` whose fastest window runs at 200 (G)op/s and median window at
// `median_window`: gflops, or gops for int8.
std::string peakflops_row(const std::string& isa, const std::string& dtype, int threads,
                          const std::string& placement, const std::string& instruction,
                          double median_window) {
  const std::string rate = dtype == "int8" ? "gops" : "gflops";
  return fmt::format(R"({{"name": "peakflops/{}/{}/{}/{}t/{}", "suite": "probe", "op": "peakflops", )"
                     R"("impl": "armperf", "isa": "{}", "dtype": "{}", "threads": {}, "placement": "{}", )"
                     R"("real_time": 1, "{}": 200, "{}_median": {}, "instruction": "{}"}})",
                     dtype, isa, instruction, threads, placement, isa, dtype, threads, placement, rate, rate,
                     median_window, instruction);
}

TEST(Views, PeersTableSetsOurMedianAgainstTheProbesMedianWindow) {
  // Of probe divides by the median window (160), not the fastest (200), of the probe row with the same ISA,
  // element type, threads and placement: not the f64, avx512, 2-thread or spread rows.
  const auto views =
      report_views({run_of({peakflops_row("avx2", "f32", 1, "compact", "vfmadd", 160),
                            peakflops_row("avx2", "f64", 1, "compact", "vfmadd", 80),
                            peakflops_row("avx512", "f32", 1, "compact", "vfmadd", 320),
                            peakflops_row("avx2", "f32", 2, "compact", "vfmadd", 320),
                            peakflops_row("avx2", "f32", 1, "spread", "vfmadd", 10),
                            gemm_row("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, {120, 136, 140}),
                            gemm_row("f32_sgemm__openblas/64x64x64", "openblas", 1, {100, 100, 100})})},
                   {"m"});
  const View* v = find_view(views, "Ours against the peer libraries");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->header.back(), "of probe");
  ASSERT_EQ(v->rows.size(), 1u);
  EXPECT_EQ(v->rows[0][9], "136.0");
  EXPECT_EQ(v->rows[0][14], "85.0%");  // 136 / 160
  // Integer rates (gops) against the int8 probe's.
  const auto int8 = [](const std::string& name, const std::string& impl) {
    return fmt::format(R"({{"name": "{}", "suite": "kernel", "op": "s8gemm", "impl": "{}", "isa": "avx2", )"
                       R"("dtype": "int8", "size": "64x64x64", "threads": 1, "placement": "compact", )"
                       R"("real_time": 1, "gops": 400}})",
                       name, impl);
  };
  const auto integer = report_views({run_of({peakflops_row("avx2", "int8", 1, "compact", "vpdpbusd", 500),
                                             int8("int8_s8gemm__avx2_4x24/64x64x64", "armperf"),
                                             int8("int8_s8gemm__onednn/64x64x64", "onednn")})},
                                    {"m"});
  EXPECT_EQ(find_view(integer, "Ours against the peer libraries")->rows[0][14], "80.0%");
  // Two instructions of one ISA and type (sdot, smmla): the kernel row does not say which it ran, so neither.
  const auto two = report_views({run_of({peakflops_row("avx2", "int8", 1, "compact", "vpdpbusd", 500),
                                         peakflops_row("avx2", "int8", 1, "compact", "vpmaddubsw", 250),
                                         int8("int8_s8gemm__avx2_4x24/64x64x64", "armperf"),
                                         int8("int8_s8gemm__onednn/64x64x64", "onednn")})},
                                {"m"});
  EXPECT_EQ(find_view(two, "Ours against the peer libraries")->rows[0][14], "—");
  // A time has no rate to set against the probe's.
  const auto times = report_views(
      {run_of({peakflops_row("avx2", "f32", 1, "compact", "vfmadd", 160),
               kernel_rows("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, "real_time", {2, 2}),
               kernel_rows("f32_sgemm__openblas/64x64x64", "openblas", 1, "real_time", {3, 3})})},
      {"m"});
  EXPECT_EQ(find_view(times, "Ours against the peer libraries")->rows[0][14], "—");
  // Without the probe in the run: no ratio.
  const auto alone = report_views({run_of({gemm_row("f32_sgemm__avx2_6x16/64x64x64", "armperf", 1, {136}),
                                           gemm_row("f32_sgemm__openblas/64x64x64", "openblas", 1, {100})})},
                                  {"m"});
  EXPECT_EQ(find_view(alone, "Ours against the peer libraries")->rows[0][14], "—");
}

TEST(Views, BandwidthHasAColumnPerOpAndARowPerSize) {
  const reports::Run run = run_of({
      row("bandwidth/read/scalar/1t/compact/local/8192", "probe", "read", R"("size": 8192, "gbps": 100)"),
      row("bandwidth/copy/scalar/1t/compact/local/8192", "probe", "copy", R"("size": 8192, "gbps": 80)"),
      row("bandwidth/read/scalar/1t/compact/local/1048576", "probe", "read",
          R"("size": 1048576, "gbps": 20)"),
  });
  const auto views = report_views({run}, {"m"});
  const View* v = find_view(views, "Memory bandwidth");
  ASSERT_NE(v, nullptr);
  EXPECT_NE(v->title.find("scalar/1t/compact/local"), std::string::npos);
  EXPECT_EQ(v->header, (std::vector<std::string>{"working set", "read (GB/s)", "copy (GB/s)"}));
  ASSERT_EQ(v->rows.size(), 2u);
  EXPECT_EQ(v->rows[0], (std::vector<std::string>{"8 KiB", "100.0", "80.00"}));
  EXPECT_EQ(v->rows[1], (std::vector<std::string>{"1 MiB", "20.00", "—"}));  // copy not measured there
  EXPECT_NE(v->chart_script.find("set logscale x 2"), std::string::npos);
}

TEST(Views, LatencyColumnsPerInputWithTheCachesOfTheContext) {
  const std::string context = R"({"topology": {"caches": [{"level": 1, "type": "data", "size_bytes": 65536},
                                                          {"level": 1, "type": "instruction", "size_bytes": 65536},
                                                          {"level": 2, "type": "unified", "size_bytes": 1048576}]}})";
  std::vector<std::string> rows;
  for (int kib : {4, 64, 1024, 8192})
    rows.push_back(row("latency/4k/local/" + std::to_string(kib * 1024), "probe", "latency",
                       R"("size": )" + std::to_string(kib * 1024) + R"(, "latency_ns": )" +
                           std::to_string(kib) + R"(, "latency_cycles": 3)"));
  const reports::Run a = run_of(rows, context);
  const reports::Run b = run_of({rows[0]});
  const auto views = report_views({a, b}, {"altra", "graviton"});
  const View* v = find_view(views, "Load-to-use latency");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->header, (std::vector<std::string>{"working set", "altra (ns)", "altra (cycles)",
                                                 "graviton (ns)", "graviton (cycles)"}));
  ASSERT_EQ(v->rows.size(), 4u);
  EXPECT_EQ(v->rows[3], (std::vector<std::string>{"8 MiB", "8192", "3.000", "—", "—"}));
  EXPECT_NE(v->note.find("Caches of altra: L1d 64 KiB, L2 1 MiB."), std::string::npos) << v->note;
  EXPECT_NE(v->chart_script.find("\"L2 1 MiB\""), std::string::npos);  // the cache step drawn on the curve

  const auto caches = context_caches(a);
  ASSERT_EQ(caches.size(), 2u);  // instruction caches are not on the data path
  EXPECT_EQ(caches[1].bytes, 1048576.0);
}

TEST(Views, CoreToCoreMatrixIsSymmetricWithAnEmptyDiagonal) {
  const auto pair = [](int a, int b, double ns) {
    return row("c2c/" + std::to_string(a) + "-" + std::to_string(b) + "/lse", "probe", "c2c",
               R"("cpu_a": )" + std::to_string(a) + R"(, "cpu_b": )" + std::to_string(b) +
                   R"(, "latency_ns": )" + std::to_string(ns));
  };
  const reports::Run run = run_of({pair(0, 1, 40), pair(0, 4, 200), pair(1, 4, 210)});
  const auto views = report_views({run}, {"m"});
  const View* v = find_view(views, "Core-to-core");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->header, (std::vector<std::string>{"cpu (ns)", "0", "1", "4"}));
  ASSERT_EQ(v->rows.size(), 3u);
  EXPECT_EQ(v->rows[0], (std::vector<std::string>{"0", "—", "40.00", "200.0"}));
  EXPECT_EQ(v->rows[2], (std::vector<std::string>{"4", "200.0", "210.0", "—"}));
  EXPECT_NE(v->note.find("3 pairs: min 40.00 ns, median 200.0 ns, max 210.0 ns"), std::string::npos)
      << v->note;
  EXPECT_NE(v->chart_script.find("matrix with image"), std::string::npos);
}

TEST(Views, RooflinePlacesKernelsUnderTheLowerRoof) {
  const reports::Run run = run_of({
      row("peakflops/f32/scalar/1t/compact", "probe", "peakflops", R"("dtype": "f32", "gflops": 100)"),
      row("bandwidth/read/scalar/1t/compact/local/4096", "probe", "read", R"("size": 4096, "gbps": 400)"),
      row("bandwidth/read/scalar/1t/compact/local/1073741824", "probe", "read",
          R"("size": 1073741824, "gbps": 10)"),
      // Memory-bound: 1 FLOP/byte under a 10 GB/s roof -> 5 of 10 GFLOP/s.
      row("f32_axpy__scalar/1024", "kernel", "axpy",
          R"("dtype": "f32", "size": "1024", "gflops": 9, "gbps": 9)"),
      row("f32_axpy__scalar/65536", "kernel", "axpy",
          R"("dtype": "f32", "size": "65536", "gflops": 5, "gbps": 5)"),
      // Compute-bound: 50 FLOP/byte, the roof is the 100 GFLOP/s peak.
      row("f32_sgemm__scalar/64", "kernel", "sgemm",
          R"("dtype": "f32", "size": "64", "gflops": 80, "gbps": 1.6)"),
      // f64 and multi-threaded rows are not under the single-thread f32 roofs.
      row("f64_dgemm__scalar/64", "kernel", "dgemm",
          R"("dtype": "f64", "size": "64", "gflops": 40, "gbps": 1)"),
  });
  const auto views = report_views({run}, {"m"});
  const View* v = find_view(views, "Roofline");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->rows.size(), 2u);
  EXPECT_EQ(v->rows[0], (std::vector<std::string>{"f32_axpy__scalar", "armperf", "65536", "1.000", "5.000",
                                                  "10.00", "50.0%"}));
  EXPECT_EQ(v->rows[1], (std::vector<std::string>{"f32_sgemm__scalar", "armperf", "64", "50.00", "80.00",
                                                  "100.0", "80.0%"}));
  EXPECT_NE(v->note.find("100.0 GFLOP/s"), std::string::npos);
  EXPECT_NE(v->note.find("10.00 GB/s"), std::string::npos);
}

TEST(Views, NoRooflineWithoutAPeakToDrawItUnder) {
  const reports::Run run = run_of({row("f32_sgemm__scalar/64", "kernel", "sgemm",
                                       R"("dtype": "f32", "size": "64", "gflops": 8, "gbps": 1)")});
  EXPECT_EQ(find_view(report_views({run}, {"m"}), "Roofline"), nullptr);
}

std::string numa_row(const std::string& op, int from, int to, const std::string& value) {
  return row("numa/" + op + "/" + std::to_string(from) + "-" + std::to_string(to), "probe", op,
             R"("size": 1073741824, "from_node": )" + std::to_string(from) + R"(, "to_node": )" +
                 std::to_string(to) + ", " + value);
}

TEST(Views, NumaBandwidthAndLatencyMatricesWithLocalAgainstRemote) {
  const reports::Run run = run_of({
      numa_row("numa_bw", 0, 0, R"("gbps": 100)"), numa_row("numa_bw", 0, 1, R"("gbps": 60)"),
      numa_row("numa_bw", 1, 0, R"("gbps": 62)"), numa_row("numa_bw", 1, 1, R"("gbps": 98)"),
      numa_row("numa_latency", 0, 0, R"("latency_ns": 110)"), numa_row("numa_latency", 0, 1, R"("latency_ns": 150)"),
      numa_row("numa_latency", 1, 1, R"("latency_ns": 112)"),
  });
  const auto views = report_views({run}, {"m"});
  const View* bw = find_view(views, "NUMA bandwidth node to node — m, 1 thread, 1 GiB");
  ASSERT_NE(bw, nullptr);
  EXPECT_EQ(bw->header, (std::vector<std::string>{"from ↓ to → (GB/s)", "node 0", "node 1"}));
  ASSERT_EQ(bw->rows.size(), 2u);
  EXPECT_EQ(bw->rows[0], (std::vector<std::string>{"node 0", "100.0", "60.00"}));
  EXPECT_EQ(bw->rows[1], (std::vector<std::string>{"node 1", "62.00", "98.00"}));
  EXPECT_NE(bw->note.find("Mean local (diagonal) 99.00 GB/s, mean remote 61.00 GB/s: remote is 61.6% of local"),
            std::string::npos)
      << bw->note;
  EXPECT_NE(bw->chart_script.find("matrix with image"), std::string::npos);
  EXPECT_NE(bw->chart_script.find("\"bandwidth (GB/s)\""), std::string::npos);

  const View* lat = find_view(views, "NUMA latency node to node — m, 1 GiB");
  ASSERT_NE(lat, nullptr);
  EXPECT_EQ(lat->rows[1], (std::vector<std::string>{"node 1", "—", "112.0"}));  // 1 -> 0 not measured
  EXPECT_NE(lat->chart_script.find("\"latency (ns)\""), std::string::npos);
}

std::string accuracy_row(const std::string& variant, const std::string& isa, const std::string& fields) {
  return R"({"name": "accuracy/gelu_tanh/)" + variant + R"(", "suite": "accuracy", "op": "gelu_tanh", "impl": "armperf", "isa": ")" +
         isa + R"(", "dtype": "f32", "threads": 1, "real_time": 2, "time_unit": "s", )" + fields + "}";
}

TEST(Views, AccuracyTableHasAVerdictPerMachine) {
  const std::string ok = R"("samples": 1000, "max_ulp": 2.5, "p9999_ulp": 1.25, "bound_ulp": 8, "bound_abs_below": 1.2e-6,
                            "argmax_input": -2.5, "argmax_input_bits": "0xc0200000", "exhaustive": false,
                            "within_bound": true)";
  const std::string bad = R"("samples": 1000, "max_ulp": 9.5, "p9999_ulp": 2, "bound_ulp": 8, "bound_abs_below": 1.2e-6,
                            "exhaustive": true, "within_bound": false)";
  const reports::Run a = run_of({accuracy_row("v_neon", "neon", ok), accuracy_row("v_sve", "sve", bad)});
  const reports::Run b = run_of({accuracy_row("v_neon", "neon", R"("error_message": "isa unsupported: neon")")});
  EXPECT_EQ(a.benchmarks.at(0).field("argmax_input_bits"), "0xc0200000");
  ASSERT_NE(a.benchmarks.at(0).primary(), nullptr);
  EXPECT_EQ(a.benchmarks.at(0).primary()->name, "max_ulp");  // not the sweep's time
  EXPECT_EQ(a.benchmarks.at(0).primary()->better, Better::lower);
  const auto views = report_views({a, b}, {"arm", "x86"});
  const View* v = find_view(views, "Activation accuracy");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->header, (std::vector<std::string>{"op", "variant", "impl", "isa", "bound", "arm max", "arm p99.99",
                                                 "arm verdict", "x86 max", "x86 p99.99", "x86 verdict"}));
  ASSERT_EQ(v->rows.size(), 2u);
  EXPECT_EQ(v->rows[0], (std::vector<std::string>{"gelu_tanh", "v_neon", "armperf", "neon",
                                                  "≤ 8 ulp (x ≥ −3); abs ≤ 1.2e-06 below", "2.500 ulp",
                                                  "1.250 ulp", "ok", "—", "—", "skipped"}));
  EXPECT_NE(v->note.find("Skipped on x86: 1 variant (isa unsupported: neon)."), std::string::npos) << v->note;
  EXPECT_EQ(v->rows[1][7], "FAIL");
  EXPECT_EQ(v->rows[1][8], "—");  // not in the second input
  EXPECT_NE(v->note.find("arm: a sample of about 1000 inputs per op."), std::string::npos) << v->note;
  EXPECT_EQ(v->text_columns, 5u);  // op, variant, impl, isa and bound are words

  // An input without accuracy rows gets no columns.
  const reports::Run probes_only = run_of({numa_row("numa_bw", 0, 0, R"("gbps": 100)")});
  const std::vector<View> both = report_views({a, probes_only}, {"arm", "numa"});
  const View* two = find_view(both, "Activation accuracy");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->header.size(), 8u);
}

}  // namespace
}  // namespace armperf::reports
