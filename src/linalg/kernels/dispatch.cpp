// Picks the kernel table once per process: the best instruction set the processor runs,
// unless NMFKIT_ISA asks for a lower one.

#include <cstdlib>
#include <iostream>
#include <string>

#include "kernels.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::linalg {

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::Portable: return "portable";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
  }
  return "unknown";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (const Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512}) {
    if (name == isa_name(isa)) return isa;
  }
  return std::nullopt;
}

Isa best_supported_isa() {
#if defined(NMFKIT_X86_KERNELS)
  // libgcc's checks include the operating system's support (XSAVE state) for the registers.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")) {
    return Isa::Avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

Isa select_isa(const char* request, Isa supported, std::ostream* warnings) {
  if (request == nullptr || *request == '\0') return supported;
  const auto asked = parse_isa(request);
  if (!asked) {
    if (warnings) {
      *warnings << "nmfkit: NMFKIT_ISA='" << request
                << "' is not one of portable, avx2, avx512; using " << isa_name(supported)
                << "\n";
    }
    return supported;
  }
  if (*asked > supported) {
    if (warnings) {
      *warnings << "nmfkit: NMFKIT_ISA=" << request << " is not supported by this processor"
                << " or build; using " << isa_name(supported) << "\n";
    }
    return supported;
  }
  return *asked;
}

const Kernels& kernels_for(Isa isa) {
  if (isa > best_supported_isa()) {
    throw InvalidArgument("kernels: instruction set '" + std::string(isa_name(isa)) +
                          "' is not supported by this processor or build (best: " +
                          std::string(isa_name(best_supported_isa())) + ")");
  }
  static const Kernels portable = detail::portable_kernels();
#if defined(NMFKIT_X86_KERNELS)
  static const Kernels avx2 = detail::avx2_kernels();
  static const Kernels avx512 = detail::avx512_kernels();
  if (isa == Isa::Avx512) return avx512;
  if (isa == Isa::Avx2) return avx2;
#endif
  return portable;
}

const Kernels& active_kernels() {
  static const Kernels& chosen =
      kernels_for(select_isa(std::getenv("NMFKIT_ISA"), best_supported_isa(), &std::cerr));
  return chosen;
}

}  // namespace nmfkit::linalg
