#include "core/team.hpp"

#include <hwloc.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "core/topology.hpp"

namespace armperf {

namespace {

// Spin budget of a barrier waiter before it sleeps: ~10^4 pause/yield instructions is tens of
// microseconds, longer than the skew of threads woken together, far shorter than a timed region.
constexpr int kSpins = 1 << 14;
// Under oversubscription the late thread may need this CPU: give it up now and then while spinning.
constexpr int kSpinsPerYield = 256;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// How long a team worker spins for the next run before it sleeps, and how long run()'s caller spins
// for the workers to finish. Waking a sleeping thread cost ~80 us per run() on the 2-vCPU Zen 5 VM
// (an idle vCPU is halted: the futex wake is an IPI through the hypervisor), 14 us with this spin,
// 4 us for an OpenMP parallel region (its workers spin too). The spectral Lanczos makes five runs
// per step (SpMV, three reorthogonalization sweeps, the scaling), ~0.4 ms of a ~4 ms step at
// n = 2*10^5 when each woke sleeping workers. The worker's spin covers the solver's serial gaps
// between runs (the small eigenproblem: ~0.1 ms); the caller's is short, since it may share a CPU
// with a worker that is still computing. For 2-thread GEMM (5-12 ms runs) a caller that sleeps at
// once ran 1-4 % slower and one that spins through the whole run no faster.
constexpr auto kWorkerSpin = std::chrono::microseconds(300);
constexpr auto kCallerSpin = std::chrono::microseconds(30);

// Spins (pausing, yielding now and then) until done() or `budget` has passed; returns done().
template <class Done>
bool spin_until(Done&& done, std::chrono::microseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (int spin = 1;; ++spin) {
    if (done()) return true;
    cpu_relax();
    if (spin % kSpinsPerYield == 0) std::this_thread::yield();
    if (spin % 64 == 0 && std::chrono::steady_clock::now() >= deadline) return done();
  }
}

// The team a thread belongs to, to refuse run() from inside a run and barrier() from outside.
thread_local const Team* current_team = nullptr;

Pin pin_this_thread(const Topology& topology, int pu) {
  Pin pin;
  pin.pu = pu;
  std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)> set(hwloc_bitmap_alloc(), &hwloc_bitmap_free);
  if (!set || hwloc_bitmap_only(set.get(), static_cast<unsigned>(pu)) < 0) {
    pin.error = fmt::format("PU {}: cannot allocate a cpuset", pu);
    return pin;
  }
  if (hwloc_set_cpubind(topology.handle(), set.get(), HWLOC_CPUBIND_THREAD) == 0) {
    pin.pinned = true;
  } else {
    pin.error =
        fmt::format("hwloc_set_cpubind(PU {}) on {}: {}", pu, topology.source(), std::strerror(errno));
  }
  return pin;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Barrier

Barrier::Barrier(int parties) : parties_(parties), remaining_(parties) {
  if (parties < 1)
    throw std::invalid_argument(fmt::format("barrier for {} threads: need at least 1", parties));
}

void Barrier::arrive_and_wait() {
  const std::uint32_t phase = phase_.load(std::memory_order_acquire);
  if (broken_.load(std::memory_order_acquire)) throw BarrierBroken();
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Last to arrive: re-arm before releasing, since the released may arrive at the next barrier at once.
    remaining_.store(parties_, std::memory_order_relaxed);
    phase_.fetch_add(1, std::memory_order_release);
    phase_.notify_all();
    return;
  }
  for (int spin = 1; phase_.load(std::memory_order_acquire) == phase; ++spin) {
    if (spin < kSpins) {
      cpu_relax();
      if (spin % kSpinsPerYield == 0) std::this_thread::yield();
    } else {
      phase_.wait(phase, std::memory_order_acquire);
    }
  }
  if (broken_.load(std::memory_order_acquire)) throw BarrierBroken();
}

void Barrier::break_all() {
  broken_.store(true, std::memory_order_release);
  phase_.fetch_add(1, std::memory_order_release);
  phase_.notify_all();
}

void Barrier::reset() {
  remaining_.store(parties_, std::memory_order_relaxed);
  broken_.store(false, std::memory_order_release);
}

// ---------------------------------------------------------------------------------------------------
// Team

Team::Team(std::vector<int> pus, TeamCaller caller)
    : first_worker_(caller == TeamCaller::works ? 1 : 0),
      barrier_(pus.empty() ? 1 : static_cast<int>(pus.size())) {
  if (pus.empty()) throw std::invalid_argument("thread team: no PUs given");
  for (int pu : pus) {
    if (pu < 0) throw std::invalid_argument(fmt::format("thread team: PU {} is negative", pu));
  }
  const Topology& topology = Topology::binding();
  pins_.resize(pus.size());
  for (std::size_t i = 0; i < pus.size(); ++i) pins_[i].pu = pus[i];
  if (first_worker_ == 1) pins_[0].error = "thread 0 is run()'s caller, on the caller's own affinity";

  try {
    for (auto i = static_cast<std::size_t>(first_worker_); i < pus.size(); ++i) {
      threads_.emplace_back([this, &topology, i] {
        // Pinning is the thread's first act, so the pages it touches from here on (its stack beyond
        // the first frames, its malloc arena, its share of every buffer) come from its own node.
        Pin pin = pin_this_thread(topology, pins_[i].pu);
        {
          std::lock_guard lock(mutex_);
          pins_[i] = std::move(pin);
          ++ready_;
        }
        done_.notify_all();
        work(static_cast<int>(i));
      });
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      stopping_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
    throw;
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return ready_ == size() - first_worker_; });
}

Team::~Team() {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool Team::all_pinned() const {
  for (const Pin& pin : pins_) {
    if (!pin.pinned) return false;
  }
  return true;
}

void Team::record_failure(std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
  }
  barrier_.break_all();  // the others leave their barrier instead of waiting for this thread
}

void Team::work(int index) {
  current_team = this;
  std::uint64_t seen = 0;
  auto woken = [&] {
    return stopping_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
  };
  for (;;) {
    if (!spin_until(woken, kWorkerSpin)) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, woken);
    }
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    if (generation == seen) return;  // stopping, and no run left to do
    seen = generation;
    const std::function<void(int)>* job = job_;
    try {
      (*job)(index);
    } catch (...) {
      record_failure(std::current_exception());
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Under the lock: a caller that found pending_ > 0 under it is then already waiting.
      std::lock_guard lock(mutex_);
      done_.notify_all();
    }
  }
}

void Team::run(const std::function<void(int thread_index)>& fn) {
  if (current_team == this) throw std::logic_error("Team::run called from one of the team's own threads");
  std::lock_guard serial(run_mutex_);
  barrier_.reset();
  {
    std::lock_guard lock(mutex_);
    job_ = &fn;
    error_ = nullptr;
    pending_.store(size() - first_worker_, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  if (first_worker_ == 1) {
    const Team* outer = std::exchange(current_team, this);  // barrier() works, a nested run() throws
    try {
      fn(0);
    } catch (...) {
      record_failure(std::current_exception());
    }
    current_team = outer;
  }
  auto finished = [&] { return pending_.load(std::memory_order_acquire) == 0; };
  const bool done_spinning = spin_until(finished, kCallerSpin);  // true: finished while spinning
  std::unique_lock lock(mutex_);
  if (!done_spinning) done_.wait(lock, finished);
  job_ = nullptr;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void Team::barrier() {
  if (current_team != this) throw std::logic_error("Team::barrier called outside the team's run()");
  barrier_.arrive_and_wait();
}

}  // namespace armperf
