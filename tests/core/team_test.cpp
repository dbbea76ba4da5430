#include "core/team.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/topology.hpp"

using namespace armperf;
using ::testing::HasSubstr;

namespace {

// The PUs this process may run on and hwloc knows, in order (a container or taskset may allow fewer
// than the machine has; the test machines have 1 or 2).
std::vector<int> usable_pus() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  EXPECT_EQ(sched_getaffinity(0, sizeof(mask), &mask), 0);
  std::vector<int> pus;
  for (int pu : Topology::binding().placement_cpus(Placement::compact, Topology::binding().summary().pus)) {
    if (pu < CPU_SETSIZE && CPU_ISSET(pu, &mask)) pus.push_back(pu);
  }
  return pus;
}

// n threads over the usable PUs, repeating them when there are fewer.
std::vector<int> cycled_pus(int n) {
  const std::vector<int> usable = usable_pus();
  std::vector<int> pus;
  for (int i = 0; i < n; ++i) pus.push_back(usable[static_cast<std::size_t>(i) % usable.size()]);
  return pus;
}

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TEST(Team, ThreadsRunOnTheirPUs) {
  std::vector<int> pus = usable_pus();
  ASSERT_FALSE(pus.empty());
  if (pus.size() > 4) pus.resize(4);
  Team team(pus);
  ASSERT_EQ(team.size(), static_cast<int>(pus.size()));
  ASSERT_EQ(team.pin_map().size(), pus.size());
  for (std::size_t t = 0; t < pus.size(); ++t) {
    EXPECT_EQ(team.pin_map()[t].pu, pus[t]);
    EXPECT_TRUE(team.pin_map()[t].pinned) << team.pin_map()[t].error;
    EXPECT_TRUE(team.pin_map()[t].error.empty());
  }
  EXPECT_TRUE(team.all_pinned());

  std::vector<int> seen(pus.size(), -1);
  for (int repeat = 0; repeat < 3; ++repeat) {
    team.run([&](int t) { seen[static_cast<std::size_t>(t)] = sched_getcpu(); });
    for (std::size_t t = 0; t < pus.size(); ++t) EXPECT_EQ(seen[t], pus[t]) << "thread " << t;
  }
}

TEST(Team, FailedPinIsRecordedNotFatal) {
  const int missing = 60000;  // no machine we run on has this PU
  Team team({usable_pus().front(), missing});
  EXPECT_TRUE(team.pin_map()[0].pinned);
  EXPECT_FALSE(team.pin_map()[1].pinned);
  EXPECT_EQ(team.pin_map()[1].pu, missing);
  EXPECT_THAT(team.pin_map()[1].error, HasSubstr("PU 60000"));
  EXPECT_FALSE(team.all_pinned());
  std::atomic<int> ran{0};
  team.run([&](int) { ran.fetch_add(1); });
  EXPECT_EQ(ran.load(), 2);
}

TEST(Team, RejectsBadPuLists) {
  EXPECT_THROW(Team(std::vector<int>{}), std::invalid_argument);
  EXPECT_THROW(Team(std::vector<int>{0, -1}), std::invalid_argument);
}

TEST(Team, EveryThreadGetsItsIndexOncePerRun) {
  Team team(cycled_pus(5));
  std::vector<std::atomic<int>> calls(5);
  for (int repeat = 0; repeat < 20; ++repeat)
    team.run([&](int t) { calls[static_cast<std::size_t>(t)].fetch_add(1); });
  for (auto& c : calls) EXPECT_EQ(c.load(), 20);
}

TEST(Team, NoThreadSeesAPhaseFromBeforeTheBarrier) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 300;
  Team team(cycled_pus(kThreads));
  std::vector<std::atomic<int>> phase(kThreads);
  std::atomic<int> violations{0};
  team.run([&](int t) {
    for (int round = 1; round <= kRounds; ++round) {
      phase[static_cast<std::size_t>(t)].store(round, std::memory_order_relaxed);
      team.barrier();
      // Everyone wrote `round` before this barrier and cannot pass the next one without us: every
      // phase is round or round + 1.
      for (auto& p : phase) {
        const int seen = p.load(std::memory_order_relaxed);
        if (seen != round && seen != round + 1) violations.fetch_add(1);
      }
    }
  });
  EXPECT_EQ(violations.load(), 0);
}

TEST(Team, BarrierPublishesPlainWrites) {
  constexpr int kThreads = 3;
  Team team(cycled_pus(kThreads));
  std::vector<long> slots(kThreads, 0);
  std::vector<long> sums(kThreads, 0);
  team.run([&](int t) {
    for (int round = 1; round <= 100; ++round) {
      slots[static_cast<std::size_t>(t)] = round * (t + 1);
      team.barrier();
      long sum = 0;
      for (long v : slots) sum += v;
      sums[static_cast<std::size_t>(t)] += sum;
      team.barrier();  // nobody overwrites a slot while another thread still reads it
    }
  });
  // sum over rounds of round * (1 + 2 + 3) = 6 * 5050
  for (long s : sums) EXPECT_EQ(s, 6 * 5050);
}

TEST(Team, WorkerExceptionReachesTheCaller) {
  Team team(cycled_pus(3));
  try {
    team.run([](int t) {
      if (t == 2) throw std::runtime_error("thread 2 failed");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "thread 2 failed");
  }
  // The team survives and runs again.
  std::atomic<int> ran{0};
  team.run([&](int) { ran.fetch_add(1); });
  EXPECT_EQ(ran.load(), 3);
}

TEST(Team, ExceptionBeforeABarrierDoesNotHangTheOthers) {
  Team team(cycled_pus(4));
  try {
    team.run([&](int t) {
      if (t == 0) throw std::runtime_error("thread 0 failed before the barrier");
      team.barrier();
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "thread 0 failed before the barrier");
  }
  // The barrier is whole again for the next run.
  std::atomic<int> passed{0};
  team.run([&](int) {
    team.barrier();
    passed.fetch_add(1);
  });
  EXPECT_EQ(passed.load(), 4);
}

TEST(Team, MisuseIsALogicError) {
  Team team(cycled_pus(2));
  EXPECT_THROW(team.barrier(), std::logic_error);
  EXPECT_THROW(team.run([&](int) { team.run([](int) {}); }), std::logic_error);
}

// TeamCaller::works: thread 0 is run()'s caller, the others team threads; barriers, errors and misuse
// behave as with a thread 0 of the team's own.
TEST(Team, CallerRunsThreadZeroWhenItWorks) {
  const std::vector<int> pus = cycled_pus(3);
  Team team(pus, TeamCaller::works);
  ASSERT_EQ(team.size(), 3);
  EXPECT_FALSE(team.pin_map()[0].pinned);
  EXPECT_THAT(team.pin_map()[0].error, HasSubstr("caller"));
  EXPECT_EQ(team.pin_map()[0].pu, pus[0]);
  for (int t = 1; t < 3; ++t) EXPECT_TRUE(team.pin_map()[static_cast<std::size_t>(t)].pinned);

  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::thread::id> ids(3);
  std::vector<long> slots(3, 0), sums(3, 0);
  for (int repeat = 0; repeat < 20; ++repeat) {
    team.run([&](int t) {
      const auto i = static_cast<std::size_t>(t);
      ids[i] = std::this_thread::get_id();
      slots[i] = repeat * (t + 1);
      team.barrier();
      for (long v : slots) sums[i] += v;
      team.barrier();
    });
    EXPECT_EQ(ids[0], caller);
    EXPECT_NE(ids[1], caller);
    EXPECT_NE(ids[2], caller);
    EXPECT_NE(ids[1], ids[2]);
  }
  for (long sum : sums) EXPECT_EQ(sum, 6 * (19 * 20 / 2));  // sum over repeats of repeat * (1 + 2 + 3)

  for (int failing : {0, 2}) {
    try {
      team.run([&](int t) {
        if (t == failing) throw std::runtime_error("thread " + std::to_string(t) + " failed");
        team.barrier();
      });
      FAIL() << "no exception from thread " << failing;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "thread " + std::to_string(failing) + " failed");
    }
  }
  EXPECT_THROW(team.run([&](int t) {
    if (t == 0) team.run([](int) {});
  }),
               std::logic_error);
  EXPECT_THROW(team.barrier(), std::logic_error);  // the caller is outside the run again
  std::atomic<int> ran{0};
  team.run([&](int) { ran.fetch_add(1); });
  EXPECT_EQ(ran.load(), 3);
}

// Eight threads on one or two cores hand a token round a ring with a condition variable. It needs
// working futexes across threads; under qemu-user with the wrong loader (-L /usr/aarch64-linux-gnu)
// it hangs.
TEST(Team, ConditionVariablePingPongWithMoreThreadsThanCores) {
  constexpr int kThreads = 8;
  constexpr int kLaps = 50;
  Team team(cycled_pus(kThreads));
  std::mutex mutex;
  std::condition_variable turn_changed;
  int turn = 0;
  team.run([&](int t) {
    for (int lap = 0; lap < kLaps; ++lap) {
      std::unique_lock lock(mutex);
      turn_changed.wait(lock, [&] { return turn % kThreads == t; });
      ++turn;
      turn_changed.notify_all();
    }
  });
  EXPECT_EQ(turn, kThreads * kLaps);
}

TEST(Team, IdleTeamDoesNotBurnCpu) {
  Team team(cycled_pus(4));
  team.run([&](int) { team.barrier(); });
  const double before = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double used = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - before;
  // Four spinning threads would burn over a second here.
  EXPECT_LT(used, 0.1);
}

TEST(Team, LongBarrierWaitSleeps) {
  Team team(cycled_pus(2));
  double waiter_cpu = 0;
  team.run([&](int t) {
    if (t == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      team.barrier();
      return;
    }
    const double before = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    team.barrier();
    waiter_cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - before;
  });
  EXPECT_LT(waiter_cpu, 0.2);
}

TEST(Barrier, RejectsNoParties) { EXPECT_THROW(Barrier(0), std::invalid_argument); }

TEST(Barrier, BrokenBarrierThrows) {
  Barrier barrier(2);
  barrier.break_all();
  EXPECT_THROW(barrier.arrive_and_wait(), BarrierBroken);
  barrier.reset();
  std::thread other([&] { barrier.arrive_and_wait(); });
  barrier.arrive_and_wait();
  other.join();
}

}  // namespace
