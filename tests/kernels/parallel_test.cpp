// The kernel team layer: a persistent team's threads first-touch pages under the memory policy of the
// thread that asked for the team (armperf run sets it per sweep point), not of whichever point
// happened to create the team first.
#include <hwloc.h>

#include <gtest/gtest.h>

#include <vector>

#include "core/topology.hpp"
#include "kernels/parallel.hpp"

namespace armperf::kernels {
namespace {

// The calling thread's hwloc memory policy, or -1 when hwloc cannot read it.
int thread_policy(hwloc_topology_t topo) {
  hwloc_bitmap_t nodes = hwloc_bitmap_alloc();
  hwloc_membind_policy_t policy = HWLOC_MEMBIND_DEFAULT;
  const int rc = hwloc_get_membind(topo, nodes, &policy, HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET);
  hwloc_bitmap_free(nodes);
  return rc == 0 ? static_cast<int>(policy) : -1;
}

// Sets the calling thread's policy; false when the system refuses (qemu-user, no NUMA support).
bool set_thread_policy(hwloc_topology_t topo, hwloc_membind_policy_t policy) {
  return hwloc_set_membind(topo, hwloc_topology_get_topology_nodeset(topo), policy,
                           HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) == 0;
}

TEST(PersistentKernelTeam, FollowsTheCallersMemoryPolicy) {
  const Topology& topology = Topology::binding();
  if (!topology.is_this_system()) GTEST_SKIP() << "replayed topology: no memory binding to test";
  hwloc_topology_t topo = topology.handle();
  if (!set_thread_policy(topo, HWLOC_MEMBIND_INTERLEAVE)) {
    GTEST_SKIP() << "hwloc_set_membind(interleave) refused here: memory policies unsupported";
  }
  Team& interleaved = persistent_kernel_team(2);
  std::vector<int> seen(2, -2);
  interleaved.run([&](int t) { seen[static_cast<std::size_t>(t)] = thread_policy(topo); });
  ASSERT_TRUE(set_thread_policy(topo, HWLOC_MEMBIND_DEFAULT));
  for (int policy : seen) EXPECT_EQ(policy, HWLOC_MEMBIND_INTERLEAVE);

  Team& plain = persistent_kernel_team(2);
  EXPECT_NE(&plain, &interleaved) << "a team made under interleave served a caller without it";
  plain.run([&](int t) { seen[static_cast<std::size_t>(t)] = thread_policy(topo); });
  for (int policy : seen) EXPECT_NE(policy, HWLOC_MEMBIND_INTERLEAVE);
  EXPECT_EQ(&persistent_kernel_team(2), &plain) << "the same caller state must reuse its team";
}

}  // namespace
}  // namespace armperf::kernels
