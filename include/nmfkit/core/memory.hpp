#pragma once
// The memory a computation may take, checked before it allocates: a size that comes from
// a user's number (the number of components, a count in a file's header) must fail with
// one clear line when the machine cannot hold it, not abort on std::bad_alloc halfway,
// or page the machine to a halt first.

#include <cstdint>
#include <string>

namespace nmfkit {

// Bytes of physical memory this process can still take without swapping: the kernel's
// MemAvailable, lowered by the cgroup's memory limit (a container's) and the address-space
// limit (ulimit -v) where those are smaller. The largest uint64 when none can be learned.
std::uint64_t available_memory();

// "12.3 GB", "512 bytes": sizes in messages (powers of 1000, like df -H).
std::string bytes_text(double bytes);

// Throws InvalidArgument "<what> needs <bytes> of memory; <available> is available" when
// `bytes` exceeds available_memory(). A double, so that a product of user numbers
// cannot overflow on its way here.
void require_memory(double bytes, const std::string& what);

}  // namespace nmfkit
