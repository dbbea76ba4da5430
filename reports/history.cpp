#include "reports/history.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <utility>

#include "core/result.hpp"
#include "reports/stats.hpp"

namespace armperf::reports {

std::unique_ptr<HistoryStore> open_sqlite_history(const std::string& path);  // history_sqlite.cpp

std::string machine_of(const Run& run) {
  for (const char* key : {context_key::host_name, "cpu_model"}) {
    const std::string v = run.context_value(key);
    if (!v.empty()) return v;
  }
  return "unknown";
}

std::string content_hash(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis and prime
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

std::unique_ptr<HistoryStore> open_history(const std::string& location) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0)
    throw HistoryError(fmt::format("{}: PostgreSQL stores are not supported by this build yet; use a SQLite file",
                                   location));
  return open_sqlite_history(location);
}

std::vector<TrendCheck> check_trends(const std::vector<HistoryPoint>& points, std::size_t window, double threshold) {
  // points come oldest first; group them per (machine, benchmark) keeping that order.
  std::map<std::pair<std::string, std::string>, std::vector<const HistoryPoint*>> series;
  for (const HistoryPoint& p : points) series[{p.machine, p.benchmark}].push_back(&p);
  std::vector<TrendCheck> out;
  for (const auto& [key, list] : series) {
    if (list.size() < 2) continue;  // nothing to compare the newest run with
    const HistoryPoint& newest = *list.back();
    std::vector<double> before;
    for (std::size_t i = list.size() - 1; i-- > 0 && before.size() < window;)
      if (list[i]->metric == newest.metric) before.push_back(list[i]->median);
    if (before.empty()) continue;
    TrendCheck c;
    c.machine = key.first;
    c.benchmark = key.second;
    c.metric = newest.metric;
    c.unit = newest.unit;
    c.run_id = newest.run_id;
    c.newest = newest.median;
    c.reference = median(before);
    c.previous = before.size();
    c.change = c.reference != 0 ? (c.newest - c.reference) / c.reference : std::nan("");
    const double worse = newest.better == Better::lower ? c.change : -c.change;
    c.regressed = std::isfinite(worse) && worse > threshold;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace armperf::reports
