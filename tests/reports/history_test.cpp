// The SQLite history store: round trip, idempotent add, schema version, two writers at once, a writer
// killed inside its transaction; and the trend check against the rolling median.
#include "reports/history.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "reports/load.hpp"
#include "reports/trend.hpp"
#include "tests/reports/fixtures.hpp"

namespace armperf::reports {
namespace {

using testing::fixture;

reports::Run make_run(const std::string& host, double copy_ns) {
  reports::Run run;
  run.path = host + ".json";
  run.context = {{"host_name", host}, {"date", "2026-11-25"}};
  Benchmark b;
  b.key = b.name = "BM_copy/4096";
  b.family = "BM_copy";
  Metric m;
  m.name = "real_time";
  m.unit = "ns";
  m.samples = {copy_ns, copy_ns * 1.01, copy_ns * 0.99};
  b.metrics.push_back(m);
  run.benchmarks.push_back(b);
  return run;
}

RunMeta meta(const std::string& hash, const std::string& commit = "") { return {hash, "f.json", commit, "main"}; }

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("armperf_history_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "history.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(History, AddShowTrendRoundTrip) {
  const auto store = open_history(db_);
  EXPECT_EQ(store->schema_version(), 1);
  const reports::Run base = load_run(fixture("compare/base.json"));
  const AddOutcome first = store->add(base, meta("h1", "c0ffee"));
  EXPECT_TRUE(first.added);
  EXPECT_EQ(first.results, 2u);
  EXPECT_EQ(first.machine, "ci-runner");
  store->add(load_run(fixture("compare/slower_2x.json")), meta("h2", "deadbeef"));

  HistoryQuery q;
  q.exact_benchmark = "BM_copy/4096";
  const auto points = store->points(q);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].commit, "c0ffee");
  EXPECT_DOUBLE_EQ(points[0].median, 100.0);
  EXPECT_DOUBLE_EQ(points[1].median, 200.0);
  EXPECT_EQ(points[1].n, 9);
  EXPECT_EQ(points[1].better, Better::lower);

  HistoryQuery triad;
  triad.benchmark = std::regex("triad");
  const auto rates = store->points(triad);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates[0].metric, "bytes_per_second");
  EXPECT_EQ(rates[0].better, Better::higher);

  const std::string md = render_trend_md("BM_copy/4096", points);
  EXPECT_NE(md.find("| 2 | 2026-11-20T10:00:00+00:00 | ci-runner | deadbeef | main | 200.0 ns | +100.0% |"),
            std::string::npos)
      << md;
}

TEST_F(History, SameFileTwiceAddsNothing) {
  const auto store = open_history(db_);
  const reports::Run run = make_run("n1", 100);
  EXPECT_TRUE(store->add(run, meta("same")).added);
  const AddOutcome again = store->add(run, meta("same"));
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.run_id, 1);
  EXPECT_EQ(store->points({}).size(), 1u);
}

TEST_F(History, ReopenKeepsDataAndRefusesNewerSchemas) {
  open_history(db_)->add(make_run("n1", 100), meta("a"));
  EXPECT_EQ(open_history(db_)->points({}).size(), 1u);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  try {
    open_history(db_);
    FAIL() << "a newer schema was accepted";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99 is newer"), std::string::npos) << e.what();
  }
}

TEST_F(History, NotADatabaseIsAnError) {
  { std::ofstream(db_) << "garbage, not sqlite"; }
  try {
    open_history(db_);
    FAIL() << "garbage opened as a database";
  } catch (const HistoryError& e) {
    EXPECT_EQ(std::string(e.what()), db_ + ": file is not a database");
  }
  EXPECT_THROW(open_history("postgresql://fleet/armperf"), HistoryError);
}

TEST_F(History, TwoWritersAtOnce) {
  open_history(db_);  // created once; then two connections write concurrently
  constexpr int kRunsEach = 15;
  const auto writer = [&](const std::string& host) {
    const auto store = open_history(db_);
    for (int i = 0; i < kRunsEach; ++i) store->add(make_run(host, 100 + i), meta(host + std::to_string(i)));
  };
  std::thread a(writer, "left"), b(writer, "right");
  a.join();
  b.join();
  const auto points = open_history(db_)->points({});
  EXPECT_EQ(points.size(), 2u * kRunsEach);
  std::set<std::int64_t> ids;
  for (const auto& p : points) ids.insert(p.run_id);
  EXPECT_EQ(ids.size(), 2u * kRunsEach);
}

TEST_F(History, KilledWriterLeavesAUsableDatabase) {
  open_history(db_)->add(make_run("n1", 100), meta("before"));
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Inside a write transaction, half done, then killed: no destructor, no rollback, no close.
    sqlite3* raw = nullptr;
    sqlite3_open(db_.c_str(), &raw);
    const char rc = static_cast<char>(
        sqlite3_exec(raw, "BEGIN IMMEDIATE; INSERT INTO machines(name) VALUES ('half-written');"
                          "INSERT INTO runs(machine_id, content_hash, source_path, run_date, context) "
                          "VALUES (last_insert_rowid(), 'partial', 'x', '', '{}');",
                     nullptr, nullptr, nullptr));
    [[maybe_unused]] const auto written = ::write(report[1], &rc, 1);
    ::kill(::getpid(), SIGKILL);
  }
  char child_rc = -1;
  ASSERT_EQ(::read(report[0], &child_rc, 1), 1);
  ::close(report[0]);
  ::close(report[1]);
  EXPECT_EQ(child_rc, SQLITE_OK) << "the killed writer's statements did not run: the test would prove nothing";
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto store = open_history(db_);
  EXPECT_TRUE(store->add(make_run("n1", 105), meta("after")).added);
  const auto points = store->points({});
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].machine, "n1");
  EXPECT_EQ(points[1].machine, "n1");
}

TEST(HistoryCheck, NewestAgainstRollingMedianOfPreviousRuns) {
  const auto point = [](std::int64_t run, const std::string& machine, double median, Better better) {
    HistoryPoint p;
    p.run_id = run;
    p.machine = machine;
    p.benchmark = "b";
    p.metric = better == Better::lower ? "real_time" : "gbps";
    p.median = median;
    p.better = better;
    return p;
  };
  // m1: 100, 300 (outlier), 100, 100, then 110: median of the last 3 before it is 100 -> +10 %.
  // m2 (throughput): 50, 50, 48 -> -4 %: within 5 %.
  const std::vector<HistoryPoint> points = {
      point(1, "m1", 100, Better::lower), point(2, "m1", 300, Better::lower), point(3, "m1", 100, Better::lower),
      point(4, "m1", 100, Better::lower), point(5, "m1", 110, Better::lower), point(1, "m2", 50, Better::higher),
      point(2, "m2", 50, Better::higher), point(3, "m2", 48, Better::higher)};
  const auto checks = check_trends(points, 3, 0.05);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].machine, "m1");
  EXPECT_DOUBLE_EQ(checks[0].reference, 100.0);
  EXPECT_EQ(checks[0].previous, 3u);
  EXPECT_NEAR(checks[0].change, 0.10, 1e-12);
  EXPECT_TRUE(checks[0].regressed);
  EXPECT_FALSE(checks[1].regressed);
  // A wider window takes the 300 outlier in: median(100, 300, 100, 100) = 100 still: medians resist outliers.
  EXPECT_DOUBLE_EQ(check_trends(points, 10, 0.05)[0].reference, 100.0);
  // A 50 % drop of a throughput is a regression.
  EXPECT_TRUE(check_trends({points[5], points[6], point(3, "m2", 25, Better::higher)}, 3, 0.05)[0].regressed);
}

}  // namespace
}  // namespace armperf::reports
