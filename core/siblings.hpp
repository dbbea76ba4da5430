// The other threads of this process, as the scheduler sees them. A peer library's workers keep
// spinning after its call returns (OpenBLAS's for 2^28 cycles by default, about 0.1 s), and while they
// do they take CPU time from the next kernel measured: on the 2-vCPU Zen 3 VM, our sgemm 256^3 at 2
// threads ran at 66 GFLOP/s right after OpenBLAS's and at 117-120 otherwise. armperf run waits for
// them to go idle before each kernel item (tools/run/executor.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

namespace armperf {

// The kernel's ids of this process's threads (/proc/self/task); empty where that cannot be read.
std::vector<int> process_thread_ids();

// Threads of this process other than the calling one that are running or runnable now (state R in
// /proc/self/task/*/stat); nullopt where that cannot be read.
std::optional<int> runnable_sibling_threads();

// Polls every millisecond until no other thread of this process is runnable (or that cannot be
// told), for at most `budget`. Returns false when the budget ran out first.
bool wait_for_idle_siblings(std::chrono::milliseconds budget);

}  // namespace armperf
