#include "core/buffer.hpp"

#include <hwloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/topology.hpp"

namespace armperf {

namespace {

std::size_t round_up(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

std::size_t base_page_bytes() {
  const long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? static_cast<std::size_t>(page) : 4096;
}

// The PMD-level page THP uses: 2 MiB with 4 KiB base pages, 512 MiB with the 64 KiB pages some ARM
// distributions boot with.
std::size_t huge_page_bytes() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
  std::size_t bytes = 0;
  if (file >> bytes && bytes >= base_page_bytes()) return bytes;
  return std::size_t{2} << 20;
}

// The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never"); empty
// when the kernel has no THP.
std::string thp_mode() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string word;
  while (file >> word) {
    if (word.size() > 2 && word.front() == '[' && word.back() == ']') return word.substr(1, word.size() - 2);
  }
  return {};
}

}  // namespace

MemBind parse_membind(std::string_view text) {
  if (text == "local") return {MemBind::Kind::local, -1};
  if (text == "interleave") return {MemBind::Kind::interleave, -1};
  constexpr std::string_view prefix = "node:";
  if (text.substr(0, prefix.size()) == prefix) {
    const std::string_view digits = text.substr(prefix.size());
    int node = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), node);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || node < 0) {
      throw std::invalid_argument(fmt::format(
          "membind \"{}\": \"{}\" is not a NUMA node number (expected node:N, N >= 0)", text, digits));
    }
    return {MemBind::Kind::node, node};
  }
  throw std::invalid_argument(fmt::format("membind \"{}\": expected local, interleave or node:N", text));
}

std::string membind_name(const MemBind& bind) {
  switch (bind.kind) {
    case MemBind::Kind::local:
      return "local";
    case MemBind::Kind::node:
      return fmt::format("node:{}", bind.node);
    case MemBind::Kind::interleave:
      return "interleave";
  }
  return "?";
}

Slice block_slice(std::size_t count, int parts, int index, std::size_t granule) {
  if (parts < 1 || index < 0 || index >= parts || granule == 0) {
    throw std::invalid_argument(
        fmt::format("block_slice: part {} of {} with granule {} does not exist", index, parts, granule));
  }
  const std::size_t units = (count + granule - 1) / granule;
  const std::size_t base = units / static_cast<std::size_t>(parts);
  const std::size_t extra = units % static_cast<std::size_t>(parts);
  auto start = [&](std::size_t part) {
    return std::min(count, (part * base + std::min(part, extra)) * granule);
  };
  const auto part = static_cast<std::size_t>(index);
  return {start(part), start(part + 1)};
}

Buffer::Buffer(std::size_t bytes, BufferOptions options) : options_(options) {
  const std::size_t base_page = base_page_bytes();
  page_bytes_ = options_.huge_pages ? huge_page_bytes() : base_page;
  if (bytes == 0) {
    membind_status_ = "not applied: empty buffer";
    return;
  }
  // With huge pages, one extra huge page of address space lets data_ start on a huge-page boundary
  // and the madvised range end on one; the slack is never touched, so it costs no memory.
  mapping_bytes_ = round_up(bytes, page_bytes_) + (options_.huge_pages ? page_bytes_ : 0);
  mapping_ = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) {
    const int err = errno;
    mapping_ = nullptr;
    throw std::runtime_error(fmt::format("buffer of {} bytes: mmap: {}", bytes, std::strerror(err)));
  }
  const auto address = reinterpret_cast<std::uintptr_t>(mapping_);
  data_ = reinterpret_cast<void*>(round_up(address, page_bytes_));
  bytes_ = bytes;
  apply_huge_pages();
  apply_membind();
}

Buffer::Buffer(Buffer&& other) noexcept { *this = std::move(other); }

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_bytes_ = std::exchange(other.mapping_bytes_, 0);
    page_bytes_ = other.page_bytes_;
    options_ = other.options_;
    membind_applied_ = other.membind_applied_;
    membind_status_ = std::move(other.membind_status_);
    huge_pages_applied_ = other.huge_pages_applied_;
    huge_pages_status_ = std::move(other.huge_pages_status_);
  }
  return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() noexcept {
  if (mapping_) munmap(mapping_, mapping_bytes_);
  mapping_ = nullptr;
  data_ = nullptr;
  bytes_ = 0;
}

void Buffer::apply_huge_pages() {
  if (!options_.huge_pages) return;
  const std::string mode = thp_mode();
  if (mode.empty() || mode == "never") {
    huge_pages_status_ = mode.empty() ? "huge pages unavailable: the kernel has no transparent huge pages"
                                      : "huge pages unavailable: transparent_hugepage is 'never'";
    return;
  }
  if (madvise(data_, round_up(bytes_, page_bytes_), MADV_HUGEPAGE) != 0) {
    huge_pages_status_ =
        fmt::format("huge pages unavailable: madvise(MADV_HUGEPAGE): {}", std::strerror(errno));
    return;
  }
  huge_pages_applied_ = true;
  huge_pages_status_ = "madvise(MADV_HUGEPAGE) applied";
}

void Buffer::apply_membind() {
  auto unavailable = [&](const std::string& reason) {
    membind_applied_ = false;
    membind_status_ = fmt::format("membind unavailable: {}", reason);
  };
  const Topology* topology = nullptr;
  try {
    topology = &Topology::binding();
  } catch (const std::exception& e) {
    return unavailable(e.what());
  }
  hwloc_topology_t topo = topology->handle();
  const hwloc_topology_membind_support* support = hwloc_topology_get_support(topo)->membind;
  if (!support->set_area_membind) return unavailable("hwloc cannot bind memory areas on this OS");

  std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)> nodes(
      hwloc_bitmap_dup(hwloc_topology_get_topology_nodeset(topo)), &hwloc_bitmap_free);
  if (!nodes) return unavailable("cannot allocate a nodeset");
  hwloc_membind_policy_t policy = HWLOC_MEMBIND_FIRSTTOUCH;
  // STRICT: node:N means node N or nothing, not N while it has room (MPOL_PREFERRED).
  int flags = HWLOC_MEMBIND_BYNODESET;
  switch (options_.membind.kind) {
    case MemBind::Kind::local:
      if (!support->firsttouch_membind) return unavailable("no first-touch policy on this OS");
      break;
    case MemBind::Kind::node: {
      const int node = options_.membind.node;
      if (!hwloc_get_numanode_obj_by_os_index(topo, static_cast<unsigned>(node))) {
        std::vector<int> present;
        for (const NumaSummary& n : topology->summary().numa) present.push_back(n.node);
        return unavailable(fmt::format("NUMA node {} is not in {} (its nodes: {})", node, topology->source(),
                                       fmt::join(present, ",")));
      }
      if (!support->bind_membind) return unavailable("no bind policy on this OS");
      hwloc_bitmap_only(nodes.get(), static_cast<unsigned>(node));
      policy = HWLOC_MEMBIND_BIND;
      flags |= HWLOC_MEMBIND_STRICT;
      break;
    }
    case MemBind::Kind::interleave:
      if (!support->interleave_membind) return unavailable("no interleave policy on this OS");
      policy = HWLOC_MEMBIND_INTERLEAVE;
      break;
  }
  if (hwloc_set_area_membind(topo, data_, round_up(bytes_, page_bytes_), nodes.get(), policy, flags) != 0) {
    return unavailable(
        fmt::format("hwloc_set_area_membind({}): {}", membind_name(options_.membind), std::strerror(errno)));
  }
  membind_applied_ = true;
  membind_status_ = "applied";
}

void Buffer::first_touch(Team& team) {
  if (bytes_ == 0) return;
  auto* bytes = as<unsigned char>();
  team.run([&](int thread) {
    const Slice mine = slice(team.size(), thread);
    if (mine.size() > 0) std::memset(bytes + mine.begin, 0, mine.size());
  });
}

}  // namespace armperf
