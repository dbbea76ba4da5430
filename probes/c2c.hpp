// The c2c probe (DESIGN §4): core-to-core round trip of one cache line, bounced between two pinned
// threads by compare-and-swap, median of many samples, for every pair of PUs (a sample of the pairs
// on big machines, --pairs); on ARM with LSE atomics and with LL/SC (two builds of one loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/profile.hpp"
#include "core/team.hpp"
#include "probes/kernels/c2c.hpp"

namespace armperf::probes {

// One build of the ping-pong and the name rows give it: "lse", "llsc" or "x86".
struct C2cAtomic {
  std::string atomic;
  PingPongFn ping_pong = nullptr;
};
// The builds this CPU runs, LSE first; LSE without HWCAP_ATOMICS is skipped with a note.
std::vector<C2cAtomic> c2c_atomics(std::vector<std::string>& notes);

// --pairs: "" (the default), "all", or a positive count. 0 stands for all pairs.
// Throws std::invalid_argument naming the text for anything else.
struct PairsRequest {
  bool automatic = true;  // nothing given: default_pair_limit()
  std::size_t limit = 0;  // 0: all pairs
};
PairsRequest parse_pairs(const std::string& text);
// All pairs (0) up to 16 PUs and in the full profile; beyond, a sample of 2 pairs per PU.
std::size_t default_pair_limit(std::size_t pus, Profile profile);
std::size_t pair_limit(const PairsRequest& request, std::size_t pus, Profile profile);

// Pairs (a, b) with a before b in `pus`, without repeats. limit 0 (or ≥ all pairs): every pair, in
// order. Otherwise a deterministic sample of `limit` pairs, in this priority: one pair across every
// two parts of each partition in `domains` (the first PUs of the parts: NUMA node to node, cluster to
// the next cluster), then neighbours in `pus` order (p0-p1, p2-p3, ...: every PU once, and the
// likeliest cluster mates), then pairs evenly spaced over all of them.
std::vector<std::pair<int, int>> c2c_pairs(const std::vector<int>& pus,
                                           const std::vector<std::vector<std::vector<int>>>& domains,
                                           std::size_t limit);

}  // namespace armperf::probes
