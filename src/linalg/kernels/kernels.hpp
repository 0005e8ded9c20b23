#pragma once
// The kernel tables of each instruction set, one per translation unit (see
// kernels_impl.hpp); dispatch.cpp picks one. Only the portable table exists on processors
// other than x86-64.

#include "nmfkit/linalg/kernels.hpp"

namespace nmfkit::linalg::detail {

Kernels portable_kernels();
#if defined(NMFKIT_X86_KERNELS)
Kernels avx2_kernels();    // needs AVX2 and FMA
Kernels avx512_kernels();  // needs AVX-512 F, DQ, VL and BW
#endif

}  // namespace nmfkit::linalg::detail
