#include <gtest/gtest.h>

#include <map>

#include "core/buffer.hpp"
#include "core/team.hpp"
#include "probes/latency.hpp"
#include "probes/loaded_latency.hpp"
#include "probes/probe.hpp"

namespace armperf::probes {
namespace {

TEST(LoadedLatency, LevelsRiseMonotonically) {
  for (Profile profile : {Profile::quick, Profile::standard}) {
    for (int pus : {1, 2, 8, 80}) {
      const auto levels = loaded_latency_levels(pus, profile);
      ASSERT_FALSE(levels.empty());
      EXPECT_EQ(levels[0].streamers, 0);  // the idle point first
      EXPECT_EQ(levels[0].intensity, 0);
      for (std::size_t i = 1; i < levels.size(); ++i) {
        EXPECT_GE(levels[i].streamers, 1);
        EXPECT_LE(levels[i].streamers, pus - 1);
        EXPECT_GT(levels[i].intensity, 0);
        EXPECT_LE(levels[i].intensity, 1);
        if (levels[i].streamers == levels[i - 1].streamers) {
          EXPECT_GT(levels[i].intensity, levels[i - 1].intensity);
        } else {
          EXPECT_GT(levels[i].streamers, levels[i - 1].streamers);
        }
      }
      EXPECT_EQ(levels.back().streamers, std::max(pus - 1, 0));
    }
  }
  EXPECT_EQ(loaded_latency_levels(1, Profile::quick).size(), 1u);
  EXPECT_EQ(loaded_latency_levels(2, Profile::quick).size(), 4u);  // idle + 1 streamer at 3 intensities
}

TEST(LoadedLatency, StreamersResultsAreChecked) {
  constexpr std::size_t kLine = 64, kLines = 4096;
  Buffer chase(kLines * kLine);
  build_chase(chase.data(), kLines, kLine, 7);
  Team streamers({0});
  StreamArrays arrays = make_stream_arrays(1 << 20, MemBind{}, streamers);
  const StreamFn triad = bandwidth_kernels().front().get(StreamOp::triad);
  Team team({0, 0});
  for (double intensity : {0.5, 1.0}) {
    // 50 ms per repetition: long enough for the streamer to finish chunks even in a Debug+ASan build.
    const LoadedLatency m = measure_loaded_latency(team, chase.data(), kLines, arrays, triad, StreamOp::triad, intensity, 3, 0.05);
    EXPECT_GT(m.latency_ns, 0);
    EXPECT_LE(m.latency_ns_min, m.latency_ns);
    EXPECT_GT(m.checked, 0u);
    EXPECT_EQ(m.wrong, 0u);
    EXPECT_GT(m.gbps, 0);
  }
  EXPECT_THROW(measure_loaded_latency(team, chase.data(), kLines, arrays, triad, StreamOp::triad, 0, 3, 0.001),
               std::invalid_argument);
}

TEST(LoadedLatency, RowShape) {
  const Probe* probe = ProbeRegistry::instance().find("loaded_latency");
  ASSERT_NE(probe, nullptr);
  ProbeConfig cfg;
  cfg.sizes = {1 << 20};
  cfg.repetitions = 1;
  std::vector<ResultRow> rows;
  probe->run(cfg, [&](const ResultRow& r) {
    rows.push_back(r);
    return true;
  });
  ASSERT_FALSE(rows.empty());
  std::map<double, double> last_intensity;  // per streamer count
  for (const auto& row : rows) {
    EXPECT_EQ(row.op, "loaded_latency");
    EXPECT_GT(row.counters.at("latency_ns"), 0);
    ASSERT_TRUE(row.gbps.has_value());
    const double streamers = row.counters.at("streamers"), intensity = row.counters.at("intensity");
    EXPECT_EQ(row.threads, 1 + static_cast<int>(streamers));
    EXPECT_EQ(row.size.get<std::uint64_t>(), 1u << 20);
    if (streamers == 0) {
      EXPECT_EQ(*row.gbps, 0);
    } else {
      EXPECT_GT(*row.gbps, 0);
    }
    if (last_intensity.count(streamers) != 0) {
      EXPECT_GT(intensity, last_intensity[streamers]);
    }
    last_intensity[streamers] = intensity;
  }
}

}  // namespace
}  // namespace armperf::probes
