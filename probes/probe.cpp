#include "probes/probe.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "probes/pmu.hpp"

namespace armperf {

ProbeOutcome run_probe(const Probe& probe, const ProbeConfig& config, const RowSink& sink) {
  if (config.pmu_events.empty()) return probe.run(config, sink);
  probes::PmuRowCounter counter(config.pmu_events);
  return probe.run(config, [&](const ResultRow& measured) {
    ResultRow row = measured;
    counter.attach(row);
    return sink(row);
  });
}

ProbeRegistry& ProbeRegistry::instance() {
  static ProbeRegistry registry;
  return registry;
}

bool ProbeRegistry::add(Probe probe) {
  if (find(probe.name) != nullptr) throw std::logic_error("probe registered twice: " + probe.name);
  probes_.push_back(std::move(probe));
  std::sort(probes_.begin(), probes_.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return true;
}

const Probe* ProbeRegistry::find(const std::string& name) const {
  auto it = std::find_if(probes_.begin(), probes_.end(), [&](auto& p) { return p.name == name; });
  return it == probes_.end() ? nullptr : &*it;
}

}  // namespace armperf
