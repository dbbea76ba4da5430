// Bounded mutation test of the loader: 100 000 inputs derived from a small seed that has every feature
// the loader reads (context, iteration and aggregate rows, counters, time units, errors). Each must load or
// be refused with one LoadError line naming the file — no other exception, no crash (ASan/UBSan build).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "reports/load.hpp"

namespace armperf::reports {
namespace {

constexpr std::string_view kSeed =
    R"({"context":{"host_name":"h","num_cpus":2,"caches":[{"level":1,"size":65536}],"load_avg":[0.5]},)"
    R"("benchmarks":[{"name":"BM_a/8","run_name":"BM_a/8","run_type":"iteration","repetitions":2,)"
    R"("repetition_index":0,"threads":1,"real_time":1.5,"cpu_time":1.4,"time_unit":"us","items_per_second":7e6},)"
    R"({"name":"BM_a/8_cv","run_type":"aggregate","aggregate_name":"cv","real_time":0.1,"time_unit":"us"},)"
    R"({"name":"BM_b_mean","real_time":3,"time_unit":"ms","bytes_per_second":1e9,"op":"copy","size":4096},)"
    R"({"name":"BM_c","error_occurred":true,"error_message":"isa unsupported: sve"}]})";

// Fragments that steer mutations into the loader's own checks rather than only the JSON grammar.
constexpr std::array<std::string_view, 22> kTokens = {
    "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1e999", "1e308", "NaN", "-0", "\"name\"",
    "\"real_time\"", "\"time_unit\"", "\"s\"", "\"aggregate\"", "\"run_type\"", "\"\\u0000\"", "\"\xff\"",
    "{\"name\":1}"};

std::string mutate(std::string text, std::mt19937& rng) {
  const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::size_t count = 1 + pick(3);
  for (std::size_t m = 0; m < count && !text.empty(); ++m) {
    const std::size_t at = pick(text.size());
    switch (pick(5)) {
      case 0: text[at] = static_cast<char>(pick(256)); break;
      case 1: text.erase(at, 1 + pick(8)); break;
      case 2: text.insert(at, kTokens[pick(kTokens.size())]); break;
      case 3: text.resize(at); break;
      default: text.insert(at, text.substr(pick(text.size()), 1 + pick(24))); break;
    }
  }
  return text;
}

// 100 000 natively. Under ASan/UBSan the loader runs ~15x slower and scripts/test.sh's libFuzzer target
// already feeds it 50 000 coverage-guided inputs under the same sanitizers: 20 000 here. Under qemu
// (scripts/test.sh sets QEMU_CPU for each of its five emulated CPUs) the same code runs ~20x slower and
// the CPU model does not change it: 10 000 there.
int mutation_count() {
#if defined(__SANITIZE_ADDRESS__)
  constexpr int native = 20000;
#else
  constexpr int native = 100000;
#endif
  return std::getenv("QEMU_CPU") != nullptr ? 10000 : native;
}

TEST(LoadMutation, HundredThousandMutatedInputsLoadOrFailCleanly) {
  std::mt19937 rng(20261125);
  std::size_t loaded = 0, refused = 0;
  const int count = mutation_count();
  for (int i = 0; i < count; ++i) {
    const std::string input = mutate(std::string(kSeed), rng);
    try {
      parse_run(input, "m.json");
      ++loaded;
    } catch (const LoadError& e) {
      const std::string_view message = e.what();
      ASSERT_EQ(message.rfind("m.json", 0), 0u) << message;
      ASSERT_EQ(message.find('\n'), std::string_view::npos) << message;
      ++refused;
    } catch (const std::exception& e) {
      FAIL() << "input #" << i << " escaped as " << e.what() << ":\n" << input;
    }
  }
  // Both outcomes must be frequent, or the mutations test only one side of the loader.
  EXPECT_GT(loaded, static_cast<std::size_t>(count) / 100);
  EXPECT_GT(refused, static_cast<std::size_t>(count) / 100);
}

}  // namespace
}  // namespace armperf::reports
