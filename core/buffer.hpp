// Memory for measurements (DESIGN §4, §7): page-aligned anonymous mappings whose pages stay untouched
// until their owner thread first writes them, with an optional NUMA policy and transparent huge pages.
// A policy or huge-page request the machine refuses is recorded on the buffer, never fatal: results
// say what memory they really ran on.
#pragma once

#include <cstddef>
#include <new>
#include <string>
#include <string_view>

#include "core/team.hpp"

namespace armperf {

// Where the pages of a buffer live.
//   local:      the node of the thread that first touches each page (Linux's default policy)
//   node:N      every page on NUMA node N (OS index), whoever touches it
//   interleave: pages round-robin over all NUMA nodes
struct MemBind {
  enum class Kind { local, node, interleave };
  Kind kind = Kind::local;
  int node = -1;  // for Kind::node
};
// Throws std::invalid_argument naming the text unless it is local, interleave or node:N (N >= 0).
MemBind parse_membind(std::string_view text);
std::string membind_name(const MemBind& bind);  // "local", "node:1", "interleave"

struct BufferOptions {
  MemBind membind;
  bool huge_pages = false;  // madvise(MADV_HUGEPAGE), aligned to the huge page size
};

// A contiguous part [begin, end) of a range.
struct Slice {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};
// Part `index` of `parts` near-equal contiguous parts of [0, count), in order, with every boundary on a
// multiple of granule (the last part ends at count). Kernels use it with element counts, first_touch
// with bytes and pages, so both agree on who owns what.
Slice block_slice(std::size_t count, int parts, int index, std::size_t granule = 1);

class Buffer {
 public:
  Buffer() = default;
  // Maps `bytes` bytes (none for 0), aligned to the page size (to the huge page size with huge_pages),
  // so at least 64 and every page has a single owner. Throws std::runtime_error when the mapping fails.
  explicit Buffer(std::size_t bytes, BufferOptions options = {});
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  void* data() const { return data_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  std::size_t size() const { return bytes_; }
  // The alignment of data() and the granule first_touch hands out: the base page, or the huge page.
  std::size_t page_bytes() const { return page_bytes_; }

  const MemBind& membind() const { return options_.membind; }
  bool membind_applied() const { return membind_applied_; }
  // "applied", "membind unavailable: <reason>", or "not applied: empty buffer".
  const std::string& membind_status() const { return membind_status_; }
  bool huge_pages_requested() const { return options_.huge_pages; }
  bool huge_pages_applied() const { return huge_pages_applied_; }
  // "not requested", "madvise(MADV_HUGEPAGE) applied" or "huge pages unavailable: <reason>".
  const std::string& huge_pages_status() const { return huge_pages_status_; }

  // Thread t of the team writes block_slice(size(), team.size(), t, page_bytes()) of the buffer, so its
  // pages land where that thread runs (or where the membind policy says). Call it before measuring,
  // with the team that will measure; kernels take their part with slice().
  void first_touch(Team& team);
  Slice slice(int parts, int index) const { return block_slice(bytes_, parts, index, page_bytes_); }

 private:
  void release() noexcept;
  void apply_huge_pages();
  void apply_membind();

  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  void* mapping_ = nullptr;  // what munmap gets back: data_ is inside it when aligned up for huge pages
  std::size_t mapping_bytes_ = 0;
  std::size_t page_bytes_ = 0;
  BufferOptions options_;
  bool membind_applied_ = false;
  std::string membind_status_;
  bool huge_pages_applied_ = false;
  std::string huge_pages_status_ = "not requested";
};

// For std::vector data that kernels stream with full-width vector loads: operator new's 16-byte
// alignment would make every 64-byte load of a row straddle two cache lines (on Zen 5 that cost the
// k-NN L1 distance benchmark a third of its rate). Buffer is for measurement memory; this is for
// the vectors a family builds and resizes.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t n) noexcept { ::operator delete(p, n * sizeof(T), kAlign); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept { return true; }
};

}  // namespace armperf
