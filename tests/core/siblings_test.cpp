#include "core/siblings.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace armperf;
using namespace std::chrono_literals;

namespace {

// A spinning thread is runnable and keeps the wait from succeeding; one blocked on a condition
// variable is not counted. Earlier tests' team workers sleep within a millisecond of their last run.
TEST(Siblings, CountsASpinningThreadAndNotASleepingOne) {
  ASSERT_TRUE(runnable_sibling_threads().has_value()) << "/proc/self/task unreadable";
  ASSERT_TRUE(wait_for_idle_siblings(5s));

  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  EXPECT_GE(runnable_sibling_threads().value_or(0), 1);
  EXPECT_FALSE(wait_for_idle_siblings(20ms));
  stop = true;
  spinner.join();
  EXPECT_TRUE(wait_for_idle_siblings(5s));

  std::mutex mutex;
  std::condition_variable cv;
  bool go = false;
  std::thread sleeper([&] {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return go; });
  });
  EXPECT_TRUE(wait_for_idle_siblings(5s));
  EXPECT_EQ(runnable_sibling_threads().value_or(-1), 0);
  {
    std::lock_guard lock(mutex);
    go = true;
  }
  cv.notify_all();
  sleeper.join();
}

}  // namespace
