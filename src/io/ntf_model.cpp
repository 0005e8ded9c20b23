#include "nmfkit/io/ntf_model.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "nmfkit/core/error.hpp"
#include "nmfkit/io/npy.hpp"
#include "nmfkit/version.hpp"

namespace nmfkit::io {

template <class T>
void write_ntf_model(const StagedDirectory& staged, const NtfResult<T>& result,
                     const NtfOptions& options, const NtfRunInfo& info) {
  using nlohmann::json;
  json j;
  j["format"] = "nmfkit-ntf-model";
  j["format_version"] = kNtfModelFormatVersion;
  j["nmfkit_version"] = kVersion;
  j["model"] = "cp";
  j["algorithm"] = "hals";
  j["input"] = info.input;
  j["input_format"] = info.input_format;
  j["shape"] = info.shape;
  j["stored_entries"] = info.stored_entries;
  j["missing_entries"] = result.n_missing;
  j["dtype"] = to_string(dtype_of<T>());
  j["n_components"] = options.n_components;
  j["options"] = {{"n_components", options.n_components},
                  {"init", "random"},
                  {"tol", options.tol},
                  {"max_iter", options.max_iter},
                  {"patience", options.patience},
                  {"random_state", result.random_state},
                  {"n_threads", options.n_threads}};
  j["relative_error"] = result.relative_error;
  j["n_iter"] = result.n_iter;
  j["converged"] = result.converged;
  j["seconds"] = info.seconds;
  std::vector<std::string> factor_files;
  for (std::size_t n = 0; n < result.factors.size(); ++n) {
    factor_files.push_back("factor_" + std::to_string(n) + ".npy");
    write_npy(staged.file(factor_files.back()).string(), result.factors[n]);
  }
  j["files"] = {{"factors", factor_files}, {"weights", "weights.npy"}, {"history", "history.tsv"}};
  write_npy_vector(staged.file("weights.npy").string(), DenseMatrix<T>(result.weights));

  std::ofstream history(staged.file("history.tsv"));
  history << "iteration\trelative_error\tseconds\n";
  history.precision(17);
  for (std::size_t i = 0; i < result.relative_error_history.size(); ++i) {
    history << i + 1 << '\t' << result.relative_error_history[i] << '\t'
            << result.iteration_seconds[i] << '\n';
  }
  history.close();
  if (!history) throw IoError("cannot write " + staged.file("history.tsv").string());
  std::ofstream out(staged.file("model.json"));
  out << j.dump(2) << '\n';
  out.close();
  if (!out) throw IoError("cannot write " + staged.file("model.json").string());
}

template void write_ntf_model(const StagedDirectory&, const NtfResult<float>&, const NtfOptions&,
                              const NtfRunInfo&);
template void write_ntf_model(const StagedDirectory&, const NtfResult<double>&, const NtfOptions&,
                              const NtfRunInfo&);

}  // namespace nmfkit::io
