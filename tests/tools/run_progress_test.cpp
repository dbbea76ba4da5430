// Progress output of `armperf run`: plain lines, JSON lines, nothing when quiet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>
#include <string>

#include "tools/run/progress.hpp"

namespace armperf::run {
namespace {

using ::testing::HasSubstr;

std::string captured(ProgressMode mode) {
  std::FILE* out = std::tmpfile();
  Progress progress(mode, out, 2, 10.0);
  progress.start("kernel a");
  progress.finish("kernel a", "ok", 4.0, 3);
  progress.finish("probe b", "skipped (already in results)", 6.0, 0);
  progress.done("all done");
  std::rewind(out);
  std::string text;
  for (int c; (c = std::fgetc(out)) != EOF;) text += static_cast<char>(c);
  std::fclose(out);
  return text;
}

TEST(RunProgress, PlainLinesNameTheItemCountAndEta) {
  const std::string text = captured(ProgressMode::lines);
  EXPECT_THAT(text, HasSubstr("[1/2] kernel a ok"));
  EXPECT_THAT(text, HasSubstr("3 row(s)) ETA"));
  EXPECT_THAT(text, HasSubstr("[2/2] probe b skipped"));
  EXPECT_THAT(text, HasSubstr("all done\n"));
  EXPECT_EQ(text.find('\r'), std::string::npos) << "no terminal control when not on a terminal";
}

TEST(RunProgress, JsonLinesParse) {
  std::istringstream lines(captured(ProgressMode::json));
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const auto first = nlohmann::json::parse(line);
  EXPECT_EQ(first["event"], "item");
  EXPECT_EQ(first["done"], 1);
  EXPECT_EQ(first["total"], 2);
  EXPECT_EQ(first["rows"], 3);
  EXPECT_TRUE(first["eta_seconds"].is_number());
  ASSERT_TRUE(std::getline(lines, line));
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_EQ(nlohmann::json::parse(line)["event"], "done");
}

TEST(RunProgress, QuietPrintsNothing) { EXPECT_EQ(captured(ProgressMode::quiet), ""); }

TEST(RunProgress, EtaIsTheEstimateLeftUntilThereIsEvidence) {
  Progress progress(ProgressMode::quiet, stdout, 3, 30.0);
  progress.finish("a", "ok", 0.5, 1);
  EXPECT_NEAR(progress.eta_seconds(), 29.5, 1e-9);
  EXPECT_EQ(duration_text(65), "1 m 05 s");
  EXPECT_EQ(duration_text(42), "42 s");
}

}  // namespace
}  // namespace armperf::run
