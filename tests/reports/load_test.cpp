// The loader on every Google Benchmark generation since 2016 and on armperf files
// (tests/fixtures/reports/loader/), and on bad input: one LoadError naming the file, never a crash.
#include "reports/load.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/reports/fixtures.hpp"

namespace armperf::reports {
namespace {

using testing::fixture;

std::string load_error(const std::string& text, const std::string& path = "in.json") {
  try {
    parse_run(text, path);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(Load, Gbench2016RowsWithoutRunTypeAndSuffixAggregates) {
  const reports::Run run = load_run(fixture("loader/gbench_2016.json"));
  ASSERT_EQ(run.benchmarks.size(), 2u);  // BigO and RMS rows are fits, not benchmarks
  const Benchmark& memcpy = run.benchmarks[0];
  EXPECT_EQ(memcpy.name, "BM_memcpy/8");
  EXPECT_EQ(memcpy.family, "BM_memcpy");
  const Metric* time = memcpy.metric("real_time");
  ASSERT_NE(time, nullptr);
  EXPECT_EQ(time->samples.size(), 3u);
  EXPECT_DOUBLE_EQ(time->center(), 8.0);
  EXPECT_DOUBLE_EQ(*time->reported_mean, 8.0);
  EXPECT_DOUBLE_EQ(*time->reported_stddev, 1.0);
  EXPECT_EQ(memcpy.primary()->name, "bytes_per_second");
  EXPECT_EQ(memcpy.primary()->better, Better::higher);
  const Metric* sort_time = run.benchmarks[1].metric("real_time");
  EXPECT_DOUBLE_EQ(sort_time->center(), 42000.0);  // 42 us held as ns
  EXPECT_EQ(run.benchmarks[1].primary()->unit, "items/s");
  EXPECT_EQ(run.context_value("mhz_per_cpu"), "3400");
}

TEST(Load, AggregatesOnlyFileUsesTheReportedMedian) {
  const reports::Run run = load_run(fixture("loader/gbench_1_5_aggregates_only.json"));
  ASSERT_EQ(run.benchmarks.size(), 1u);
  const Benchmark& b = run.benchmarks[0];
  EXPECT_EQ(b.name, "BM_hash/64");
  EXPECT_EQ(b.repetitions, 10);
  const Metric* time = b.metric("real_time");
  EXPECT_TRUE(time->samples.empty());
  EXPECT_DOUBLE_EQ(time->center(), 2.4e6);  // median, ms -> ns
  EXPECT_NEAR(time->cv(), 0.1, 1e-12);       // stddev / mean
  EXPECT_EQ(run.context_value("caches"), R"([{"level":1,"num_sharing":2,"size":32768,"type":"Data"},)"
                                         R"({"level":2,"num_sharing":2,"size":262144,"type":"Unified"}])");
  EXPECT_EQ(run.context_value("host_name"), "build-7");
}

TEST(Load, Gbench17CountersSecondsCvAndErrors) {
  const reports::Run run = load_run(fixture("loader/gbench_1_7.json"));
  ASSERT_EQ(run.benchmarks.size(), 2u);
  const Benchmark& scan = run.benchmarks[0];
  EXPECT_EQ(scan.threads, 2);
  EXPECT_DOUBLE_EQ(scan.metric("real_time")->center(), 1.6e9);
  EXPECT_DOUBLE_EQ(*scan.metric("real_time")->reported_cv, 0.0884);  // a ratio, not scaled by time_unit
  const Metric* rows = scan.metric("rows");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(rows->unit, "");
  EXPECT_EQ(rows->better, Better::higher);
  EXPECT_EQ(scan.metric("cache_misses")->better, Better::lower);
  EXPECT_EQ(run.benchmarks[1].error, "isa unsupported: sve");
  EXPECT_TRUE(run.benchmarks[1].metrics.empty());
}

TEST(Load, ArmperfRowsAreKeyedByTheirFields) {
  const reports::Run run = load_run(fixture("loader/armperf.json"));
  ASSERT_EQ(run.benchmarks.size(), 2u);
  const Benchmark& neon = run.benchmarks[0];
  EXPECT_EQ(neon.key, "copy/armperf/neon/f32/4096/threads:1");
  EXPECT_EQ(neon.family, "copy");
  EXPECT_EQ(neon.size, "4096");
  EXPECT_EQ(neon.primary()->name, "gbps");
  EXPECT_DOUBLE_EQ(neon.primary()->center(), 67.2);
  EXPECT_EQ(run.context_value("cpu_model"), "Ampere Altra, Neoverse N1");
}

TEST(Load, RepetitionIndicesAndRoundsAreKeptForPairing) {
  const std::string rows = R"("benchmarks": [
      {"name": "BM_a", "repetition_index": 1, "real_time": 5, "time_unit": "ns"},
      {"name": "BM_a", "repetition_index": 0, "real_time": 4, "time_unit": "ns"},
      {"name": "BM_a", "run_type": "aggregate", "aggregate_name": "median", "real_time": 4.5,
       "time_unit": "ns"}])";
  const reports::Run rounds =
      parse_run(R"({"context": {"armperf_run": {"plan": {"interleaved": true}}}, )" + rows + "}", "r.json");
  EXPECT_TRUE(rounds.interleaved);
  const Metric* time = rounds.benchmarks.at(0).metric("real_time");
  ASSERT_NE(time, nullptr);
  EXPECT_EQ(time->samples, (std::vector<double>{5, 4}));
  EXPECT_EQ(time->sample_repetitions, (std::vector<std::int64_t>{1, 0}));  // the aggregate is no sample
  // Back to back, no plan, or a flag that is not a boolean: not in rounds.
  for (const char* context :
       {R"({"armperf_run": {"plan": {"interleaved": false}}})", R"({"armperf_run": {}})",
        R"({"armperf_run": {"plan": {"interleaved": "yes"}}})", R"({})"}) {
    EXPECT_FALSE(
        parse_run(std::string(R"({"context": )") + context + ", " + rows + "}", "r.json").interleaved)
        << context;
  }
}

TEST(Load, IntegerRatesAreGopsAndThePrimaryMetric) {
  // An s8gemm row: its rate is gops (integer operations), ahead of its compulsory-traffic gbps.
  const reports::Run run = parse_run(R"({"benchmarks": [
      {"name": "int8_s8gemm__neon_dotprod_8x12/64x64x64", "op": "s8gemm", "impl": "armperf", "isa": "neon",
       "dtype": "int8", "size": "64x64x64", "threads": 1, "real_time": 5, "time_unit": "ns", "gops": 80.5,
       "gbps": 1.25, "peak_gops": 160}]})",
                                     "int8.json");
  ASSERT_EQ(run.benchmarks.size(), 1u);
  const Benchmark& b = run.benchmarks[0];
  ASSERT_NE(b.primary(), nullptr);
  EXPECT_EQ(b.primary()->name, "gops");
  EXPECT_EQ(b.primary()->unit, "GOP/s");
  EXPECT_EQ(b.primary()->better, Better::higher);
  EXPECT_DOUBLE_EQ(b.primary()->center(), 80.5);
  EXPECT_EQ(b.metric("peak_gops")->unit, "GOP/s");
}

TEST(Load, TwoVariantsOfOneOpAreTwoRows) {
  // Same op, impl, ISA, dtype and size: only the variant name tells the unrolls apart.
  const reports::Run run = parse_run(R"({"benchmarks": [
      {"name": "f32_relu__avx2_u16/4096", "op": "relu", "impl": "armperf", "isa": "avx2", "dtype": "f32",
       "size": "4096", "threads": 1, "real_time": 1},
      {"name": "f32_relu__avx2_u32/4096", "op": "relu", "impl": "armperf", "isa": "avx2", "dtype": "f32",
       "size": "4096", "threads": 1, "real_time": 2}]})",
                                     "variants.json");
  ASSERT_EQ(run.benchmarks.size(), 2u);
  EXPECT_EQ(run.benchmarks[0].key, "f32_relu__avx2_u16/relu/armperf/avx2/f32/4096/threads:1");
  EXPECT_EQ(run.benchmarks[1].metric("real_time")->samples, std::vector<double>{2.0});
}

TEST(Load, BareNonFiniteTokensAndCutOffFiles) {
  // Some gbench versions write bare NaN/Infinity: read (by core/result), carried as no measurement.
  const reports::Run nan = parse_run(R"({"benchmarks": [{"name": "a", "real_time": NaN, "cpu_time": 2},
                                                          {"name": "a", "real_time": 4, "cpu_time": Infinity}]})",
                                     "nan.json");
  ASSERT_EQ(nan.benchmarks.size(), 1u);
  EXPECT_EQ(nan.benchmarks[0].metric("real_time")->samples, std::vector<double>{4.0});
  EXPECT_EQ(nan.benchmarks[0].metric("cpu_time")->samples, std::vector<double>{2.0});
  // A killed run's file: its complete rows, marked recovered.
  const reports::Run cut = parse_run(R"({"benchmarks": [{"name": "a", "real_time": 1}, {"name": "b", "real_)",
                                     "cut.json");
  EXPECT_TRUE(cut.recovered);
  ASSERT_EQ(cut.benchmarks.size(), 1u);
  EXPECT_EQ(cut.benchmarks[0].name, "a");
}

TEST(Load, MissingContextIsEmpty) {
  const reports::Run run = load_run(fixture("loader/no_context.json"));
  EXPECT_TRUE(run.context.empty());
  ASSERT_EQ(run.benchmarks.size(), 1u);
  EXPECT_DOUBLE_EQ(run.benchmarks[0].metric("real_time")->center(), 3.0);  // no time_unit: ns
}

TEST(Load, MalformedJsonNamesFileLineAndColumn) {
  EXPECT_EQ(load_error(""), "in.json: empty file");
  EXPECT_EQ(load_error("{\"benchmarks\": [\n  {\"name\": \"x\",\n"),
            "in.json: cut off before its first complete benchmark row");
  EXPECT_EQ(load_error("{\"benchmarks\": [1 2]}"),
            "in.json:1:19: syntax error while parsing array - unexpected number literal; expected ']'");
  EXPECT_EQ(load_error(std::string(100, '[')), "in.json:1:65: nesting deeper than 64 levels");
  const std::string garbage("\x7f" "ELF\x02\x01\x01\x00\xff\xfe", 10);
  const std::string message = load_error(garbage);
  EXPECT_EQ(message.rfind("in.json:1:1: ", 0), 0u) << message;
  EXPECT_EQ(message.find_first_of("\x7f\xff\n"), std::string::npos) << "bytes of the input echoed: " << message;
}

TEST(Load, WrongShapesNameTheField) {
  EXPECT_EQ(load_error("[]"), "in.json: expected a JSON object with \"context\" and \"benchmarks\"");
  EXPECT_EQ(load_error("{}"), "in.json: \"benchmarks\": expected an array");
  EXPECT_EQ(load_error(R"({"benchmarks": 3})"), "in.json: \"benchmarks\": expected an array");
  EXPECT_EQ(load_error(R"({"context": [], "benchmarks": []})"), "in.json: \"context\": expected an object");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"real_time": 1}]})"), "in.json: field benchmarks[0].name: missing");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"name": "a", "real_time": "fast"}]})"),
            "in.json: benchmarks[0]: result row 'a': field 'real_time': expected a number");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"name": "a", "real_time": 1e999}]})"),
            "in.json:1:44: number out of the range of a double: 1e999");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "fortnight"}]})"),
            "in.json: field benchmarks[0].time_unit: expected ns, us, ms or s, got \"fortnight\"");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"name": "a", "run_type": "warmup"}]})"),
            "in.json: benchmarks[0]: result row 'a': field 'run_type': expected \"iteration\" or \"aggregate\"");
  EXPECT_EQ(load_error(R"({"benchmarks": [{"name": "a", "threads": -4}]})"),
            "in.json: field benchmarks[0].threads: expected a count, got -4");
}

class LoadFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("armperf_load_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string error_of(const std::string& path) {
    try {
      load_run(path);
    } catch (const LoadError& e) {
      return e.what();
    }
    return "(loaded)";
  }
  std::filesystem::path dir_;
};

TEST_F(LoadFiles, DirectoryMissingAndHugeFiles) {
  EXPECT_EQ(error_of(dir_.string()), dir_.string() + ": is a directory, expected a result file");
  EXPECT_EQ(error_of((dir_ / "absent.json").string()), (dir_ / "absent.json").string() + ": no such file");
  const auto huge = dir_ / "huge.json";
  std::ofstream(huge).put('{');
  std::filesystem::resize_file(huge, std::uintmax_t{100} << 20);  // sparse: costs no disk
  EXPECT_EQ(error_of(huge.string()),
            huge.string() + ": 104857600 bytes, larger than any result file (64 MiB at most)");
}

}  // namespace
}  // namespace armperf::reports
