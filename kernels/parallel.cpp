#include "kernels/parallel.hpp"

#include <hwloc.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "core/topology.hpp"

namespace armperf::kernels {
namespace {

// The PUs the calling thread may run on, or none when hwloc cannot say (a replayed topology).
std::vector<int> calling_thread_pus(const Topology& topology) {
  std::vector<int> pus;
  if (!topology.is_this_system()) return pus;
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  if (set != nullptr && hwloc_get_cpubind(topology.handle(), set, HWLOC_CPUBIND_THREAD) == 0) {
    for (int pu = hwloc_bitmap_first(set); pu >= 0; pu = hwloc_bitmap_next(set, pu)) pus.push_back(pu);
  }
  hwloc_bitmap_free(set);
  return pus;
}

// The calling thread's memory policy and nodes as a key ("" when hwloc cannot say). A team's threads
// inherit the policy of the thread that creates them, once: a team made under armperf run's
// `--membind local` would first-touch a later `remote` point's pages locally, so teams are kept per
// policy as well as per PU list.
std::string calling_thread_membind(const Topology& topology) {
  if (!topology.is_this_system()) return {};
  std::string key;
  hwloc_bitmap_t nodes = hwloc_bitmap_alloc();
  hwloc_membind_policy_t policy = HWLOC_MEMBIND_DEFAULT;
  if (nodes != nullptr && hwloc_get_membind(topology.handle(), nodes, &policy,
                                            HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) == 0) {
    char* list = nullptr;
    if (hwloc_bitmap_list_asprintf(&list, nodes) >= 0 && list != nullptr) {
      key = std::to_string(static_cast<int>(policy)) + ":" + list;
      std::free(list);
    }
  }
  hwloc_bitmap_free(nodes);
  return key;
}

}  // namespace

std::vector<int> kernel_team_pus(int threads) {
  if (threads < 1) throw std::invalid_argument("kernel team of " + std::to_string(threads) + " threads");
  const Topology& topology = Topology::binding();
  std::vector<int> pus = calling_thread_pus(topology);
  if (static_cast<int>(pus.size()) == threads) return pus;
  const int available = std::max(1, topology.summary().pus);
  pus = topology.placement_cpus(Placement::compact, std::min(threads, available));
  for (int t = available; t < threads; ++t) pus.push_back(pus[static_cast<std::size_t>(t % available)]);
  return pus;
}

Team& persistent_kernel_team(int threads, TeamCaller caller) {
  static std::mutex mutex;
  static std::map<std::tuple<std::vector<int>, std::string, TeamCaller>, std::unique_ptr<Team>> teams;
  std::vector<int> pus = kernel_team_pus(threads);
  std::string membind = calling_thread_membind(Topology::binding());
  const std::lock_guard lock(mutex);
  std::unique_ptr<Team>& team = teams[{pus, std::move(membind), caller}];
  if (!team) team = std::make_unique<Team>(std::move(pus), caller);
  return *team;
}

SlicedTeam::SlicedTeam(int threads, std::size_t units, std::size_t granule)
    : threads_(threads), units_(units), granule_(granule) {
  if (threads < 1 || granule < 1) {
    throw std::invalid_argument("sliced team of " + std::to_string(threads) + " threads, granule " +
                                std::to_string(granule));
  }
  if (threads > 1) team_ = std::make_unique<Team>(kernel_team_pus(threads));
}

Slice SlicedTeam::slice(int t) const { return block_slice(units_, threads_, t, granule_); }

void SlicedTeam::run(const std::function<void(int t, Slice slice)>& body, std::int64_t repeats) {
  auto work = [&](int t) {
    const Slice s = slice(t);
    for (std::int64_t r = 0; r < repeats; ++r) body(t, s);
  };
  if (team_) {
    team_->run(work);
  } else {
    work(0);
  }
}

}  // namespace armperf::kernels
