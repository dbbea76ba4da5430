// The persistent, pinned thread team every parallel probe and kernel runs on (DESIGN §7): one thread
// per PU, each pinned with hwloc before it touches memory, woken per run, with a barrier that starts
// timed regions with little skew. Between runs a worker spins briefly before it sleeps, so kernels
// that call run() back to back (an SpMV per Lanczos step, the solver's vector updates) do not pay a
// sleeping thread's wake-up each time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace armperf {

// What arrive_and_wait() throws once another team thread failed: the run is over, and the caller of
// Team::run gets that thread's exception, not this one.
struct BarrierBroken : std::runtime_error {
  BarrierBroken() : std::runtime_error("barrier broken: another team thread failed") {}
};

// A reusable barrier for a fixed number of threads. Waiters spin first (a timed region should start
// within nanoseconds on every thread), then yield, then sleep on the futex, so a barrier that waits
// long (oversubscribed threads, an emulator) does not burn the CPU the late thread needs.
class Barrier {
 public:
  explicit Barrier(int parties);
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  // Returns once all parties have arrived; memory written before the barrier by any party is visible
  // to every party after it. Throws BarrierBroken after break_all().
  void arrive_and_wait();
  // Releases every waiter, now and later, with BarrierBroken.
  void break_all();
  // Back to a fresh barrier; only while no thread is inside arrive_and_wait().
  void reset();

 private:
  const int parties_;
  alignas(64) std::atomic<int> remaining_;
  alignas(64) std::atomic<std::uint32_t> phase_{0};
  std::atomic<bool> broken_{false};
};

// Where a team thread ended up.
struct Pin {
  int pu = -1;          // the PU (OS index) the thread asked for
  bool pinned = false;  // hwloc_set_cpubind succeeded
  std::string error;    // why it did not; empty when pinned
};

// Who runs thread 0's share of Team::run(). `waits`: a team thread of its own, pinned like the others,
// while the caller waits (probes: every timed thread on its PU). `works`: the caller itself, as an
// OpenMP master thread does, with no thread 0 started; the caller's affinity stays its own (armperf
// run binds it to all of the sweep point's PUs, so the scheduler may place it beside another thread). For
// kernels called many times on small problems: with a thread of its own, thread 0 shares a CPU with the
// waiting caller, and each run then waits for the scheduler to switch between them (sgemm 64^3 at 2 threads:
// 34 us per call, of which 9 us computing, Zen 3 VM).
enum class TeamCaller { waits, works };

class Team {
 public:
  // One worker thread per entry of pus (a PU may repeat: oversubscription), but thread 0 with
  // TeamCaller::works (the caller then runs it; its pin_map() entry says so). The caller's own affinity
  // is never changed. Pinning goes through Topology::binding(); a failure is recorded in pin_map(), never
  // thrown, since a replayed topology may name PUs this machine lacks. Returns once every thread has
  // pinned itself. Throws std::invalid_argument for an empty list or a negative PU.
  explicit Team(std::vector<int> pus, TeamCaller caller = TeamCaller::waits);
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;
  // Stops and joins the threads.
  ~Team();

  int size() const { return static_cast<int>(pins_.size()); }
  const std::vector<Pin>& pin_map() const { return pins_; }
  bool all_pinned() const;

  // Runs fn(thread_index) on every team thread (thread 0 on the caller with TeamCaller::works) and
  // returns when all have returned. If any threw, the first exception is rethrown here (after all
  // threads finished). Must not be called from inside a run of this team (std::logic_error); calls from
  // several outside threads are serialised.
  void run(const std::function<void(int thread_index)>& fn);

  // The team-wide barrier, for use inside run(): every thread must reach each barrier() call. A thread
  // that throws breaks the barrier, so the others leave with BarrierBroken instead of waiting forever.
  void barrier();

 private:
  void work(int index);
  // A thread's fn threw: keeps the run's first error for run() to rethrow, breaks the barrier.
  void record_failure(std::exception_ptr error);

  int first_worker_ = 0;  // 1 with TeamCaller::works: the caller is thread 0
  std::vector<Pin> pins_;
  std::vector<std::thread> threads_;
  Barrier barrier_;

  std::mutex run_mutex_;          // one run() at a time
  std::mutex mutex_;              // guards job_, ready_, error_ and every change of generation_/stopping_
  std::condition_variable wake_;  // workers: a new generation or stop
  std::condition_variable done_;  // caller: all ready / all finished
  const std::function<void(int)>* job_ = nullptr;  // published by the release of generation_
  // Read without the lock by spinning workers (generation_, stopping_) and the spinning caller
  // (pending_); written under mutex_ (pending_'s decrements excepted), so a sleeper cannot miss a change.
  alignas(64) std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};
  alignas(64) std::atomic<int> pending_{0};
  int ready_ = 0;
  std::exception_ptr error_;
};

}  // namespace armperf
