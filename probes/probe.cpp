#include "probes/probe.hpp"

#include <algorithm>
#include <stdexcept>

namespace armperf {

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
