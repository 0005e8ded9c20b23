#pragma once
// One checkpoint record on disk (core/checkpoint.hpp). Binary, little-endian as the
// machine writes it (a checkpoint resumes on the machine that wrote it):
//   "nmfkit-checkpoint\n", u32 format version,
//   u64 count, then per number: u32 name length, name, f64 value,
//   u64 count, then per matrix: u32 name length, name, u64 rows, u64 cols, rows·cols f64
//   (column-major).
// Written whole to a temporary name and renamed; read with every length checked against
// the file's size, so a damaged file is a FormatError, never a huge allocation.

#include <filesystem>

#include "nmfkit/core/checkpoint.hpp"

namespace nmfkit::io {

void write_checkpoint_record(const std::filesystem::path& path, const CheckpointRecord& record);
CheckpointRecord read_checkpoint_record(const std::filesystem::path& path);

}  // namespace nmfkit::io
