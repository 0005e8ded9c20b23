#include "nmfkit/core/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {

constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max();

// MemAvailable from /proc/meminfo (free memory plus what the kernel can reclaim); the
// free pages alone on kernels before 3.14, which lack it.
std::uint64_t system_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  const long pages = ::sysconf(_SC_AVPHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0)
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
  return kUnknown;
}

// What a cgroup v2 (or v1) memory limit leaves: limit minus current use.
std::uint64_t cgroup_available() {
  const auto read_number = [](const char* path) -> std::uint64_t {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") return kUnknown;
    try {
      return std::stoull(text);
    } catch (const std::exception&) {
      return kUnknown;
    }
  };
  for (const auto& [limit_path, usage_path] :
       {std::pair{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
        std::pair{"/sys/fs/cgroup/memory/memory.limit_in_bytes",
                  "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    const std::uint64_t limit = read_number(limit_path);
    if (limit == kUnknown) continue;
    const std::uint64_t usage = read_number(usage_path);
    if (usage == kUnknown) return limit;
    return limit > usage ? limit - usage : 0;
  }
  return kUnknown;
}

std::uint64_t address_space_available() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kUnknown;
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace

namespace {

// NMFKIT_MEMORY_LIMIT_MB: a cap of the user's (or of the fuzz harness, whose allocator
// stops at its own limit below the machine's memory). Unset or unreadable: no cap.
std::uint64_t configured_limit() {
  const char* text = std::getenv("NMFKIT_MEMORY_LIMIT_MB");
  if (text == nullptr) return kUnknown;
  char* end = nullptr;
  const unsigned long long megabytes = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || megabytes == 0 || megabytes > (kUnknown >> 20)) {
    return kUnknown;
  }
  return static_cast<std::uint64_t>(megabytes) << 20;
}

}  // namespace

std::uint64_t available_memory() {
  return std::min({system_available(), cgroup_available(), address_space_available(),
                   configured_limit()});
}

std::string bytes_text(double bytes) {
  if (bytes < 1000) return std::to_string(static_cast<long long>(bytes)) + " bytes";
  const char* units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  int unit = -1;
  while (bytes >= 1000 && unit < 5) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[unit]);
  return text;
}

void require_memory(double bytes, const std::string& what) {
  const std::uint64_t available = available_memory();
  if (available == kUnknown || bytes <= static_cast<double>(available)) return;
  throw InvalidArgument(what + " needs " + bytes_text(bytes) + " of memory; " +
                        bytes_text(static_cast<double>(available)) + " is available");
}

}  // namespace nmfkit
