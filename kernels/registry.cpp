#include "kernels/registry.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <stdexcept>

namespace armperf {

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry registry;
  return registry;
}

bool KernelRegistry::add(KernelVariant variant) {
  // A duplicate name is a programming error in a kernel file; fail at start-up, not in a report.
  if (find(variant.name) != nullptr) {
    throw std::logic_error("kernel registered twice: " + variant.name);
  }
  variants_.push_back(std::move(variant));
  return true;
}

bool KernelRegistry::add(KernelFamily family) {
  if (this->family(family.name) != nullptr) {
    throw std::logic_error("kernel family registered twice: " + family.name);
  }
  families_.push_back(std::move(family));
  return true;
}

bool KernelRegistry::add_library_context(std::string key, std::string value) {
  for (const auto& [k, v] : library_context_) {
    if (k == key) return true;
  }
  benchmark::AddCustomContext(key, value);
  library_context_.emplace_back(std::move(key), std::move(value));
  return true;
}

std::vector<const KernelVariant*> KernelRegistry::variants(std::string_view family) const {
  std::vector<const KernelVariant*> out;
  for (const auto& v : variants_) {
    if (v.family == family) out.push_back(&v);
  }
  // Static initialisation order across files is unspecified: sort so listings are stable.
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

const KernelVariant* KernelRegistry::find(std::string_view name) const {
  auto it = std::find_if(variants_.begin(), variants_.end(), [&](auto& v) { return v.name == name; });
  return it == variants_.end() ? nullptr : &*it;
}

const KernelFamily* KernelRegistry::family(std::string_view name) const {
  auto it = std::find_if(families_.begin(), families_.end(), [&](auto& f) { return f.name == name; });
  return it == families_.end() ? nullptr : &*it;
}

}  // namespace armperf
