#include "core/siblings.hpp"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace armperf {

namespace {

// The state letter of /proc/self/task/<tid>/stat: after the command name, which is in parentheses
// and may itself contain spaces and parentheses (hence the last ')').
char task_state(const char* tid) {
  const std::string path = std::string("/proc/self/task/") + tid + "/stat";
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

std::optional<int> runnable_sibling_threads() {
  struct Close {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, Close> dir(opendir("/proc/self/task"));
  if (!dir) return std::nullopt;
  const std::string self = std::to_string(static_cast<long>(syscall(SYS_gettid)));
  int runnable = 0;
  while (const dirent* entry = readdir(dir.get())) {
    if (entry->d_name[0] == '.' || self == entry->d_name) continue;
    if (task_state(entry->d_name) == 'R') ++runnable;
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
