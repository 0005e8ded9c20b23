#pragma once
// Vector-instruction kernels below the seam, chosen once at start-up by the processor.
//
// The same kernel source is compiled three times: portable (the baseline x86-64 build,
// no fused multiply-add), AVX2 + FMA, and AVX-512. Each build fills a table of function
// pointers; the first call of active_kernels() picks the best table the processor runs,
// or a lower one named by the environment variable NMFKIT_ISA=portable|avx2|avx512.
// The fast solvers use these kernels, and so do the dense products of the multiplicative
// updates ('mu', MiniBatchNMF): scikit-learn takes those from NumPy's BLAS, so they match
// it to rounding whichever product runs. 'cd' keeps scikit-learn's order of operations.
//
// Every kernel computes each output element in a fixed order, so its results do not
// depend on how rows are shared between threads; tables of different ISAs agree to
// rounding (fused multiply-adds round once where the portable code rounds twice).

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>
#include <type_traits>

// No Eigen here: the kernel sources built with AVX flags include this header, and an
// inline Eigen function compiled there could be the copy the linker keeps for everyone.
namespace nmfkit::linalg {

using KernelIndex = std::ptrdiff_t;  // the same type as nmfkit::Index (Eigen::Index)

// Instruction sets in increasing order: a higher one runs everything a lower one does.
enum class Isa { Portable = 0, Avx2 = 1, Avx512 = 2 };

std::string_view isa_name(Isa isa);              // "portable" | "avx2" | "avx512"
std::optional<Isa> parse_isa(std::string_view name);

// The highest ISA this processor (and its operating system) runs that this build has.
Isa best_supported_isa();

// The ISA to use given the value of NMFKIT_ISA (null: unset) and the best supported one:
// the request clamped to what is supported. A request above it, or a name that is not an
// ISA, writes one line to `warnings` (when given) and falls back to the best supported.
Isa select_isa(const char* request, Isa supported, std::ostream* warnings);

// Stopping rules of the coordinate-descent NNLS row kernel (see NnlsOptions).
struct NnlsSweepRules {
  int max_sweeps = 100;
  double tol = 1e-8;
  double first_step_ratio = 0;
};

// Scratch elements nnls_cd_row needs: k rounded up to whole vectors of the widest ISA.
constexpr KernelIndex nnls_scratch_size(KernelIndex k) { return (k + 15) / 16 * 16; }

template <class T>
struct KernelTable {
  // out(i,:) = Σ_p values[p]·A(inner[p],:) over the CSR row i, for rows [begin, end):
  // A is row-major with k columns, out row-major with k columns (rows outside the range
  // are not touched). Each element sums its terms in the row's storage order.
  void (*csr_times_dense)(const std::int64_t* outer, const std::int64_t* inner, const T* values,
                          const T* A, KernelIndex k, T* out, KernelIndex begin, KernelIndex end);

  // out(r,:) = Σ_t C[r·row_stride + t·term_stride]·A(t,:) over t < terms, for rows
  // [begin, end): X·A with C = X (row-major, row_stride = X's columns, term_stride = 1) or
  // Xᵀ·A with C = X (row_stride = 1, term_stride = X's columns). A is row-major with k
  // columns, out row-major with k columns. Each element sums its terms in order of t.
  void (*dense_times_dense)(const T* C, KernelIndex row_stride, KernelIndex term_stride,
                            KernelIndex terms, const T* A, KernelIndex k, T* out,
                            KernelIndex begin, KernelIndex end);

  // One NNLS problem min ½xᵀGx − bᵀx, x ≥ 0 (G symmetric row-major k×k) by coordinate
  // descent in residual form, warm-started from x. `gradient` is scratch space of
  // nnls_scratch_size(k) elements. Returns the sweeps run.
  int (*nnls_cd_row)(const T* G, KernelIndex k, const T* b, T* x, T* gradient,
                     const NnlsSweepRules& rules);

  // out[i] = ln(in[i]) for i < n (in and out must not overlap): within 2 ulp of std::log
  // on the vector ISAs for positive normal values, std::log for every other value (and
  // everywhere in the portable table).
  void (*log_array)(const T* in, T* out, KernelIndex n);
};

struct Kernels {
  Isa isa;
  KernelTable<float> f32;
  KernelTable<double> f64;

  template <class T>
  const KernelTable<T>& get() const {
    if constexpr (std::is_same_v<T, float>) {
      return f32;
    } else {
      return f64;
    }
  }
};

// The table of one ISA; throws InvalidArgument when this build or processor lacks it.
const Kernels& kernels_for(Isa isa);

// The table chosen at start-up (see above); the choice is made once per process.
const Kernels& active_kernels();
inline Isa active_isa() { return active_kernels().isa; }

}  // namespace nmfkit::linalg
