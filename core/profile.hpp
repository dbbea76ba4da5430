// How much a run measures (DESIGN §6): quick (≤ 60 s on a 2-core VM), standard (≤ 10 min),
// full (scales with the machine). Kernels and probes both size their work from it.
#pragma once

#include <optional>
#include <string_view>

namespace armperf {

enum class Profile { quick, standard, full };

inline std::string_view profile_name(Profile profile) {
  switch (profile) {
    case Profile::quick: return "quick";
    case Profile::standard: return "standard";
    case Profile::full: return "full";
  }
  return "?";
}

inline std::optional<Profile> parse_profile(std::string_view text) {
  for (Profile p : {Profile::quick, Profile::standard, Profile::full}) {
    if (profile_name(p) == text) return p;
  }
  return std::nullopt;
}

}  // namespace armperf
