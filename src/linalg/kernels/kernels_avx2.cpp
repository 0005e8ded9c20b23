// The kernels built with -mavx2 -mfma -ffp-contract=fast (CMakeLists.txt).
#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernels_avx2.cpp needs its instruction-set flags (see CMakeLists.txt)"
#endif

#include "kernels_impl.hpp"

#include "kernels.hpp"

namespace nmfkit::linalg::detail {

Kernels avx2_kernels() { return make_kernels(Isa::Avx2); }

}  // namespace nmfkit::linalg::detail
