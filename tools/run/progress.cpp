#include "tools/run/progress.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace armperf::run {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

std::string duration_text(double seconds) {
  const auto s = static_cast<long>(std::lround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} m {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} m", s / 3600, (s % 3600) / 60);
}

Progress::Progress(ProgressMode mode, std::FILE* out, std::size_t total_items, double estimated_seconds)
    : mode_(mode), out_(out), total_(total_items), estimate_left_(estimated_seconds) {}

double Progress::eta_seconds() const {
  const double elapsed = seconds_since(started_);
  // Until a few seconds of evidence exist the plan's estimate is the better guess.
  const double scale = estimate_done_ > 1.0 && elapsed > 1.0 ? elapsed / estimate_done_ : 1.0;
  return std::max(0.0, estimate_left_ * scale);
}

void Progress::start(const std::string& item) {
  item_started_ = std::chrono::steady_clock::now();
  if (mode_ != ProgressMode::terminal) return;
  fmt::print(out_, "\r\033[K[{}/{}] {}  ETA {}", done_ + 1, total_, item, duration_text(eta_seconds()));
  std::fflush(out_);
}

void Progress::finish(const std::string& item, const std::string& status, double item_estimate_seconds,
                      std::size_t rows) {
  ++done_;
  estimate_left_ = std::max(0.0, estimate_left_ - item_estimate_seconds);
  const bool skipped = status.rfind("skipped", 0) == 0;
  // Skipped items cost nothing: they must not make the clock look fast.
  if (!skipped) estimate_done_ += item_estimate_seconds;
  const double took = seconds_since(item_started_);
  switch (mode_) {
    case ProgressMode::quiet:
      return;
    case ProgressMode::json:
      fmt::print(out_, "{}\n",
                 nlohmann::json{{"event", "item"},
                                {"done", done_},
                                {"total", total_},
                                {"item", item},
                                {"status", status},
                                {"rows", rows},
                                {"seconds", took},
                                {"eta_seconds", eta_seconds()}}
                     .dump());
      break;
    case ProgressMode::lines:
      fmt::print(out_, "[{}/{}] {} {} ({:.2f} s, {} row(s)) ETA {}\n", done_, total_, item, status, took,
                 rows, duration_text(eta_seconds()));
      break;
    case ProgressMode::terminal:
      // Only what needs attention stays on screen; the rest is overwritten by the next item.
      if (status != "ok" && !skipped) fmt::print(out_, "\r\033[K{}: {}\n", item, status);
      break;
  }
  std::fflush(out_);
}

void Progress::done(const std::string& summary) {
  switch (mode_) {
    case ProgressMode::quiet:
      return;
    case ProgressMode::json:
      fmt::print(out_, "{}\n",
                 nlohmann::json{{"event", "done"}, {"summary", summary}, {"seconds", seconds_since(started_)}}
                     .dump());
      break;
    case ProgressMode::terminal:
      fmt::print(out_, "\r\033[K{}\n", summary);
      break;
    case ProgressMode::lines:
      fmt::print(out_, "{}\n", summary);
      break;
  }
  std::fflush(out_);
}

}  // namespace armperf::run
