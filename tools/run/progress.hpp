// Progress of a run (issue 7): on a terminal one line rewritten in place with the current item,
// done/total and the ETA; otherwise one plain line per finished item; JSON lines for machines;
// nothing when quiet. The ETA scales the plan's estimate of what is left by how the estimate has
// compared with the clock so far.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace armperf::run {

enum class ProgressMode { terminal, lines, json, quiet };

class Progress {
 public:
  Progress(ProgressMode mode, std::FILE* out, std::size_t total_items, double estimated_seconds);

  void start(const std::string& item);
  // status: "ok", "skipped (in results)", "error: ...", "interrupted".
  void finish(const std::string& item, const std::string& status, double item_estimate_seconds,
              std::size_t rows);
  // The last line: totals and where the results are.
  void done(const std::string& summary);

  // Seconds left by the estimate, scaled by measured / estimated so far.
  double eta_seconds() const;

 private:
  ProgressMode mode_;
  std::FILE* out_;
  std::size_t total_;
  std::size_t done_ = 0;
  double estimate_left_;
  double estimate_done_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point item_started_ = started_;
};

// "1 m 05 s", "42 s".
std::string duration_text(double seconds);

}  // namespace armperf::run
