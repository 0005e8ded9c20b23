// The kernels built with the library's own flags: baseline x86-64 (SSE2) or whatever
// processor the build targets, no fused multiply-add.
#define NMFKIT_KERNELS_PORTABLE
#include "kernels_impl.hpp"

#include "kernels.hpp"

namespace nmfkit::linalg::detail {

Kernels portable_kernels() { return make_kernels(Isa::Portable); }

}  // namespace nmfkit::linalg::detail
