#include "core/buffer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/topology.hpp"

using namespace armperf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

// Linux's <linux/mempolicy.h> values; the libnuma headers are not a dependency.
constexpr int kMpolDefault = 0, kMpolBind = 2, kMpolInterleave = 3, kMpolLocal = 4;
constexpr unsigned long kMpolFAddr = 1UL << 1;

std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

// How many of the buffer's base pages are resident.
std::size_t resident_pages(const Buffer& b) {
  const std::size_t pages = (b.size() + page_size() - 1) / page_size();
  std::vector<unsigned char> vec(pages);
  EXPECT_EQ(mincore(b.data(), b.size(), vec.data()), 0);
  std::size_t resident = 0;
  for (unsigned char v : vec) resident += v & 1;
  return resident;
}

std::vector<int> team_pus(int n) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  sched_getaffinity(0, sizeof(mask), &mask);
  std::vector<int> usable;
  for (int pu = 0; pu < CPU_SETSIZE; ++pu) {
    if (CPU_ISSET(pu, &mask)) usable.push_back(pu);
  }
  std::vector<int> pus;
  for (int i = 0; i < n; ++i) pus.push_back(usable[static_cast<std::size_t>(i) % usable.size()]);
  return pus;
}

TEST(BufferMembind, Parses) {
  EXPECT_EQ(parse_membind("local").kind, MemBind::Kind::local);
  EXPECT_EQ(parse_membind("interleave").kind, MemBind::Kind::interleave);
  const MemBind node = parse_membind("node:3");
  EXPECT_EQ(node.kind, MemBind::Kind::node);
  EXPECT_EQ(node.node, 3);
  for (const char* text : {"local", "interleave", "node:0", "node:12"}) {
    EXPECT_EQ(membind_name(parse_membind(text)), text);
  }
}

TEST(BufferMembind, ErrorsNameTheBadValue) {
  for (const char* bad : {"remote", "", "node:", "node:x", "node:-1", "node:1x", "Local"}) {
    SCOPED_TRACE(bad);
    try {
      parse_membind(bad);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("membind \"") + bad + "\""));
    }
  }
}

TEST(BufferSlice, BlocksPartitionTheRangeOnGranules) {
  for (std::size_t count : {0ul, 1ul, 4095ul, 4096ul, 10000ul, (1ul << 20) + 5}) {
    for (int parts : {1, 2, 3, 7}) {
      for (std::size_t granule : {1ul, 64ul, 4096ul}) {
        SCOPED_TRACE(testing::Message() << count << " bytes, " << parts << " parts, granule " << granule);
        std::size_t expect_begin = 0, smallest = count, largest = 0;
        for (int i = 0; i < parts; ++i) {
          const Slice s = block_slice(count, parts, i, granule);
          EXPECT_EQ(s.begin, expect_begin);
          EXPECT_LE(s.begin, s.end);
          if (s.end != count) {
            EXPECT_EQ(s.end % granule, 0u);
          }
          expect_begin = s.end;
          smallest = std::min(smallest, s.size());
          largest = std::max(largest, s.size());
        }
        EXPECT_EQ(expect_begin, count);
        // Whole granules differ by at most one per part; the last part may also end on a partial one.
        EXPECT_LT(largest - smallest, 2 * granule);
      }
    }
  }
  EXPECT_THROW(block_slice(100, 0, 0), std::invalid_argument);
  EXPECT_THROW(block_slice(100, 2, 2), std::invalid_argument);
  EXPECT_THROW(block_slice(100, 2, 0, 0), std::invalid_argument);
}

TEST(Buffer, AlignmentAndSize) {
  const Buffer b(1000);
  EXPECT_EQ(b.size(), 1000u);
  ASSERT_NE(b.data(), nullptr);
  const auto address = reinterpret_cast<std::uintptr_t>(b.data());
  EXPECT_EQ(address % 64, 0u);
  EXPECT_EQ(b.page_bytes(), page_size());
  EXPECT_EQ(address % b.page_bytes(), 0u);
  EXPECT_FALSE(b.huge_pages_requested());
  EXPECT_EQ(b.huge_pages_status(), "not requested");
}

TEST(Buffer, EmptyAndMoved) {
  const Buffer empty(0);
  EXPECT_EQ(empty.data(), nullptr);
  EXPECT_EQ(empty.size(), 0u);

  Buffer a(3 * page_size());
  void* const data = a.data();
  Buffer b(std::move(a));
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(b.size(), 3 * page_size());
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(a.size(), 0u);
  b.as<char>()[0] = 1;
}

TEST(Buffer, HugePagesAlignToTheHugePage) {
  const Buffer b(3 << 20, {.membind = {}, .huge_pages = true});
  EXPECT_TRUE(b.huge_pages_requested());
  EXPECT_GT(b.page_bytes(), page_size());
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % b.page_bytes(), 0u);
  if (b.huge_pages_applied()) {
    EXPECT_EQ(b.huge_pages_status(), "madvise(MADV_HUGEPAGE) applied");
  } else {
    EXPECT_THAT(b.huge_pages_status(), StartsWith("huge pages unavailable: "));
  }
}

TEST(Buffer, PagesStayUntouchedUntilFirstTouchThenAllAreWritten) {
  const std::size_t pages = 67;
  Buffer b(pages * page_size() - 100);
  EXPECT_EQ(resident_pages(b), 0u);
  Team team(team_pus(3));
  b.first_touch(team);
  EXPECT_EQ(resident_pages(b), pages);
  const auto* bytes = b.as<unsigned char>();
  for (std::size_t i = 0; i < b.size(); i += 997) EXPECT_EQ(bytes[i], 0) << i;
}

TEST(Buffer, EachThreadTouchesTheSliceItOwns) {
  Buffer b(10 * page_size() + 1);
  Team team(team_pus(4));
  b.first_touch(team);
  // The slices a kernel gets are whole pages, cover the buffer, and agree with first_touch.
  std::size_t covered = 0;
  for (int t = 0; t < team.size(); ++t) {
    const Slice s = b.slice(team.size(), t);
    EXPECT_EQ(s.begin, covered);
    EXPECT_EQ(s.begin % b.page_bytes(), 0u);
    covered = s.end;
  }
  EXPECT_EQ(covered, b.size());
}

// When a policy was applied, the kernel must report it for the buffer's pages.
void expect_kernel_policy(const Buffer& b, int expected_mode, unsigned long expected_nodes) {
  if (!b.membind_applied()) {
    EXPECT_THAT(b.membind_status(), StartsWith("membind unavailable: "));
    return;
  }
  EXPECT_EQ(b.membind_status(), "applied");
  int mode = -1;
  unsigned long nodes[16] = {};
  ASSERT_EQ(syscall(SYS_get_mempolicy, &mode, nodes, sizeof(nodes) * 8, b.data(), kMpolFAddr), 0);
  if (expected_mode == kMpolLocal) {
    // hwloc asks for first-touch: MPOL_LOCAL, or MPOL_DEFAULT on kernels and hwloc builds without it.
    EXPECT_TRUE(mode == kMpolLocal || mode == kMpolDefault) << mode;
  } else {
    EXPECT_EQ(mode, expected_mode);
    if (expected_nodes) {
      EXPECT_EQ(nodes[0] & expected_nodes, expected_nodes);
    }
  }
}

TEST(Buffer, LocalInterleaveAndNodeWorkOrSayWhyNot) {
  const int first_node = Topology::binding().summary().numa.front().node;
  const Buffer local(1 << 20, {.membind = parse_membind("local"), .huge_pages = false});
  expect_kernel_policy(local, kMpolLocal, 0);
  const Buffer interleave(1 << 20, {.membind = parse_membind("interleave"), .huge_pages = false});
  expect_kernel_policy(interleave, kMpolInterleave, 0);
  const Buffer node(1 << 20, {.membind = MemBind{MemBind::Kind::node, first_node}, .huge_pages = false});
  expect_kernel_policy(node, kMpolBind, 1UL << first_node);

  Team team(team_pus(2));
  Buffer touched(1 << 20, {.membind = parse_membind("interleave"), .huge_pages = false});
  touched.first_touch(team);
  EXPECT_EQ(resident_pages(touched), (std::size_t{1} << 20) / page_size());
}

TEST(Buffer, MissingNodeIsRecordedNotFatal) {
  const Buffer b(1 << 16, {.membind = parse_membind("node:4000"), .huge_pages = false});
  EXPECT_FALSE(b.membind_applied());
  EXPECT_THAT(b.membind_status(), StartsWith("membind unavailable: "));
  EXPECT_THAT(b.membind_status(), HasSubstr("4000"));
  EXPECT_EQ(b.size(), std::size_t{1} << 16);
}

}  // namespace
