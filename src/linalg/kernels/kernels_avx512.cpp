// The kernels built with -mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma -ffp-contract=fast (CMakeLists.txt).
#if !defined(__AVX512F__) || !defined(__AVX512VL__)
#error "kernels_avx512.cpp needs its instruction-set flags (see CMakeLists.txt)"
#endif

#include "kernels_impl.hpp"

#include "kernels.hpp"

namespace nmfkit::linalg::detail {

Kernels avx512_kernels() { return make_kernels(Isa::Avx512); }

}  // namespace nmfkit::linalg::detail
