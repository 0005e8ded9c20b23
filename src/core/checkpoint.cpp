#include "nmfkit/core/checkpoint.hpp"

#include "nmfkit/core/error.hpp"

namespace nmfkit {

namespace {
[[noreturn]] void missing(const CheckpointRecord& record, const std::string& name) {
  throw FormatError("checkpoint unit '" + record.unit + "'", "entry '" + name + "'",
                    "missing (written by another version of nmfkit?); remove the checkpoint "
                    "to start over");
}
}  // namespace

double CheckpointRecord::number(const std::string& name) const {
  const auto found = numbers.find(name);
  if (found == numbers.end()) missing(*this, name);
  return found->second;
}

const Eigen::MatrixXd& CheckpointRecord::matrix(const std::string& name) const {
  const auto found = matrices.find(name);
  if (found == matrices.end()) missing(*this, name);
  return found->second;
}

void CheckpointRecord::put_vector(const std::string& name, const std::vector<double>& values) {
  matrices[name] = Eigen::Map<const Eigen::VectorXd>(values.data(),
                                                     static_cast<Eigen::Index>(values.size()));
}

std::vector<double> CheckpointRecord::vector(const std::string& name) const {
  const Eigen::MatrixXd& m = matrix(name);
  return std::vector<double>(m.data(), m.data() + m.size());
}

}  // namespace nmfkit
