#include "core/siblings.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

namespace armperf {

namespace {

// The state letter of /proc/self/task/<tid>/stat: after the command name, which is in parentheses
// and may itself contain spaces and parentheses (hence the last ')').
char task_state(int tid) {
  const std::string path = "/proc/self/task/" + std::to_string(tid) + "/stat";
  struct Close {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<FILE, Close> file(std::fopen(path.c_str(), "r"));
  if (!file) return '?';  // the thread exited meanwhile
  char line[512];
  const std::size_t n = std::fread(line, 1, sizeof(line) - 1, file.get());
  line[n] = '\0';
  const char* close = std::strrchr(line, ')');
  return close != nullptr && close[1] == ' ' ? close[2] : '?';
}

}  // namespace

std::vector<int> process_thread_ids() {
  std::vector<int> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    ids.push_back(std::atoi(entry.path().filename().c_str()));
  }
  return ids;
}

std::optional<int> runnable_sibling_threads() {
  const std::vector<int> ids = process_thread_ids();
  if (ids.empty()) return std::nullopt;
  const auto self = static_cast<int>(syscall(SYS_gettid));
  int runnable = 0;
  for (int id : ids) {
    if (id != self && task_state(id) == 'R') ++runnable;
  }
  return runnable;
}

bool wait_for_idle_siblings(std::chrono::milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    const std::optional<int> runnable = runnable_sibling_threads();
    if (!runnable || *runnable == 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace armperf
