#pragma once
// Saving long work as it goes, so that a run that was killed or interrupted resumes where
// it stopped and ends with the result an uninterrupted run gives, bit for bit.
//
// A computation hands its state to a CheckpointStore as a CheckpointRecord (named numbers
// and matrices, kept exactly: a float converts to double and back unchanged) under a unit
// name ("fit", "cv-k5-r2", ...), and asks the store for a unit's record when it starts.
// The store on disk (io/checkpoint_directory.hpp) writes each record atomically and refuses
// a checkpoint written for other inputs or options.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace nmfkit {

struct CheckpointRecord {
  std::map<std::string, double> numbers;
  std::map<std::string, Eigen::MatrixXd> matrices;  // vectors are one column

  // The named entry; FormatError naming the unit when the record lacks it (a checkpoint
  // from another version of the computation).
  double number(const std::string& name) const;
  const Eigen::MatrixXd& matrix(const std::string& name) const;

  void put_vector(const std::string& name, const std::vector<double>& values);
  std::vector<double> vector(const std::string& name) const;

  std::string unit;  // for messages; set by the store that loaded it
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  // The unit's last saved record, if any.
  virtual std::optional<CheckpointRecord> load(const std::string& unit) const = 0;
  // Replaces the unit's record; a kill at any moment leaves the old record or the new one.
  // Safe to call from several threads for different units.
  virtual void save(const std::string& unit, const CheckpointRecord& record) const = 0;

  // How often a unit that saves its progress while it runs (a fit's iterations) saves it.
  double interval_seconds = 5.0;
};

}  // namespace nmfkit
