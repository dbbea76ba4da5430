// Kernels on the pinned thread team (DESIGN §7): which PUs a kernel's team runs on, and the one way
// an element-wise working set is split over it, shared by every element-wise family (activation,
// copy) so the threading lives here and not in a copy per family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/buffer.hpp"
#include "core/team.hpp"

namespace armperf::kernels {

// The PUs of a team of `threads`: the calling thread's CPU set when it holds exactly `threads` PUs
// (armperf run binds the caller to the sweep point's placement, so the team follows it), else the
// compact placement; more threads than PUs repeat PUs, oversubscribed, as tests do on small machines.
std::vector<int> kernel_team_pus(int threads);

// A persistent team on kernel_team_pus(threads), made on first use and kept for the process, one per
// PU list and memory policy of the caller (its threads inherit that policy, so pages they first
// touch follow the caller's membind): for kernels that call it every iteration (gemm, knn, spectral).
// `caller`: whether thread 0 is a team thread or the caller itself (core/team.hpp); one team each.
Team& persistent_kernel_team(int threads, TeamCaller caller = TeamCaller::waits);

// `units` units (elements, or rows of a row-wise op) in one contiguous slice per thread, boundaries on
// multiples of `granule` units, on a team of its own: its threads start from the constructing thread,
// so they inherit its memory policy (armperf run's membind), and pages first touched by a thread
// land where that policy says. One thread runs on the caller, with no hand-off (like gemm and the peers).
class SlicedTeam {
 public:
  SlicedTeam(int threads, std::size_t units, std::size_t granule = 1);

  int threads() const { return threads_; }
  std::size_t units() const { return units_; }
  Slice slice(int t) const;

  // body(t, slice(t)) on every thread t, `repeats` times back to back without a barrier between
  // (each thread streams its own slice), returning when every thread has finished.
  void run(const std::function<void(int t, Slice slice)>& body, std::int64_t repeats = 1);

 private:
  int threads_;
  std::size_t units_;
  std::size_t granule_;
  std::unique_ptr<Team> team_;  // null for one thread
};

}  // namespace armperf::kernels
