// AnnData (.h5ad) and MuData (.h5mu): files written by anndata 0.8 (and, for the layouts
// it no longer writes, by h5py) in tests/oracles/anndata_files.py, read back exactly, and
// the broken ones rejected with the file, the object inside it and what is wrong.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/npy.hpp"
#include "reference_data.hpp"

namespace nmfkit::io {
namespace {

using testing::expect_error;
using testing::load_reference_json;
using testing::reference_path;
using testing::strings;
using testing::TempDir;
using testing::write_file;

std::string quoted(const std::string& text) {
  std::string out(1, '\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

std::string anndata_file(const std::string& name) {
  return reference_path("anndata/" + name);
}

// Every entry of X in float64 (exact for float32 values too).
DenseMatrix<double> dense(const AnyMatrix& X) {
  return X.visit([](const auto& m) -> DenseMatrix<double> {
    return DenseMatrix<double>(m.template cast<double>());
  });
}

// X against the oracle's dense .npy: the same element type and bit-identical values.
void expect_matrix(const AnyMatrix& X, const nlohmann::json& expected) {
  const AnyMatrix want = read_npy(anndata_file(expected["expected"].get<std::string>()));
  EXPECT_EQ(to_string(X.dtype()), expected["dtype"].get<std::string>());
  EXPECT_EQ(to_string(want.dtype()), expected["dtype"].get<std::string>());
  EXPECT_EQ(X.is_sparse(), expected["sparse"].get<bool>());
  EXPECT_EQ(X.stored(), expected["stored"].get<Index>());
  ASSERT_EQ(X.rows(), want.rows());
  ASSERT_EQ(X.cols(), want.cols());
  const DenseMatrix<double> got = dense(X);
  const DenseMatrix<double> ref = dense(want);
  for (Index i = 0; i < got.rows(); ++i) {
    for (Index j = 0; j < got.cols(); ++j) {
      EXPECT_EQ(got(i, j), ref(i, j)) << "at (" << i << ", " << j << ")";
    }
  }
}

TEST(IoAnnData, ReadsWhatAnndataReads) {
  const auto cases = load_reference_json("anndata/cases.json");
  ASSERT_GE(cases.size(), 8U);
  for (const auto& c : cases) {
    const std::string file = c["file"].get<std::string>();
    SCOPED_TRACE(file);
    const AnnData a = read_h5ad(anndata_file(file));
    expect_matrix(a.X, c);
    EXPECT_EQ(a.obs_names, strings(c["obs_names"]));
    EXPECT_EQ(a.var_names, strings(c["var_names"]));
    EXPECT_EQ(a.X.rows(), c["shape"][0].get<Index>());
    EXPECT_EQ(a.X.cols(), c["shape"][1].get<Index>());
  }
}

TEST(IoAnnData, CsrRowsAreSortedWithRepeatsSummed) {
  // Rows of unsorted.h5ad hold column indices [4, 0, 4], [], [2, 1], ... on disk; Eigen
  // needs each row strictly increasing, whatever the dense values say.
  const AnnData a = read_h5ad(anndata_file("unsorted.h5ad"));
  const auto& X = std::get<SparseMatrix<double>>(a.X.storage());
  ASSERT_TRUE(X.isCompressed());
  for (Index r = 0; r < X.rows(); ++r) {
    for (auto k = X.outerIndexPtr()[r] + 1; k < X.outerIndexPtr()[r + 1]; ++k) {
      EXPECT_LT(X.innerIndexPtr()[k - 1], X.innerIndexPtr()[k]) << "row " << r;
    }
  }
  EXPECT_EQ(X.coeff(0, 4), 1.75);
  EXPECT_EQ(X.coeff(0, 0), 2.0);
}

TEST(IoAnnData, DtypeConvertsAndIntegersGoStraightToIt) {
  for (const char* file : {"dense_int.h5ad", "csc_counts.h5ad", "dense_f32.h5ad", "csr_f64.h5ad"}) {
    SCOPED_TRACE(file);
    const AnnData as_double = read_h5ad(anndata_file(file));
    const AnnData as_float = read_h5ad(anndata_file(file), DType::Float32);
    const AnnData back_to_double = read_h5ad(anndata_file(file), DType::Float64);
    EXPECT_EQ(as_float.X.dtype(), DType::Float32);
    EXPECT_EQ(as_float.X.is_sparse(), as_double.X.is_sparse());
    EXPECT_EQ(back_to_double.X.dtype(), DType::Float64);
    EXPECT_TRUE(dense(as_float.X) == dense(as_double.X).cast<float>().cast<double>());
    EXPECT_TRUE(dense(back_to_double.X) == dense(as_double.X));
  }
}

TEST(IoAnnData, ReadMatrixTakesX) {
  const auto cases = load_reference_json("anndata/cases.json");
  for (const auto& c : cases) {
    const std::string file = c["file"].get<std::string>();
    SCOPED_TRACE(file);
    EXPECT_EQ(format_from_path(anndata_file(file)), MatrixFormat::H5ad);
    expect_matrix(read_matrix(anndata_file(file)), c);
  }
  const AnyMatrix single = read_matrix(anndata_file("dense_int.h5ad"), DType::Float32);
  EXPECT_EQ(single.dtype(), DType::Float32);
  EXPECT_EQ(format_from_path("CELLS.H5AD"), MatrixFormat::H5ad);
}

TEST(IoAnnData, WritingH5adAndReadingH5muAsOneMatrixAreRefused) {
  TempDir dir;
  DenseMatrix<double> m(1, 1);
  m << 1;
  expect_error<InvalidArgument>([&] { write_matrix(dir.file("out.h5ad"), m); },
                                {"out.h5ad", "does not write"});
  EXPECT_TRUE(dir.entries().empty());
  expect_error<InvalidArgument>([&] { output_format_from_path("x.h5ad"); }, {"x.h5ad"});
  EXPECT_EQ(output_format_from_path("x.npy"), MatrixFormat::Npy);
  expect_error<InvalidArgument>([&] { read_matrix(anndata_file("multi.h5mu")); },
                                {"multi.h5mu", "MuData"});
  expect_error<InvalidArgument>([&] { format_from_path("x.h5ad.gz"); },
                                {"x.h5ad.gz", "compressed"});
}

TEST(IoAnnData, MissingAndNonHdf5FilesAreIoAndFormatErrors) {
  TempDir dir;
  expect_error<IoError>([&] { read_h5ad(dir.file("absent.h5ad")); },
                        {"absent.h5ad", "no such file"});
  expect_error<IoError>([&] { read_h5mu(dir.file("absent.h5mu")); },
                        {"absent.h5mu", "no such file"});
  expect_error<IoError>([&] { read_h5ad(dir.path().string()); }, {"directory"});
  write_file(dir.file("text.h5ad"), "obs,var\n1,2\n");
  expect_error<FormatError>([&] { read_h5ad(dir.file("text.h5ad")); },
                            {"text.h5ad", "not an HDF5 file"});
  write_file(dir.file("empty.h5mu"), "");
  expect_error<FormatError>([&] { read_h5mu(dir.file("empty.h5mu")); },
                            {"empty.h5mu", "not an HDF5 file"});
}

TEST(IoAnnData, BrokenFilesNameTheObjectAndTheFault) {
  const auto errors = load_reference_json("anndata/errors.json");
  ASSERT_GE(errors.size(), 8U);
  for (const auto& e : errors) {
    const std::string file = e["file"].get<std::string>();
    SCOPED_TRACE(file);
    const std::string object = e["object"].get<std::string>();
    const std::string says = e["says"].get<std::string>();
    expect_error<FormatError>([&] { read_h5ad(anndata_file(file)); },
                              {file + ":" + object + ":", says});
  }
}

TEST(IoAnnData, CorruptIndptrSaysWhere) {
  // The oracle swapped the offsets at positions 2 and 3 (adding one to the larger).
  const std::string message =
      expect_error<FormatError>([] { read_h5ad(anndata_file("bad_indptr.h5ad")); },
                                {"bad_indptr.h5ad:/X/indptr:", "decreases at position 3 (from "});
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
}

TEST(IoAnnData, MuDataFilesAreFormatErrorsAsAnnDataAndTheOtherWayRound) {
  expect_error<FormatError>([] { read_h5ad(anndata_file("multi.h5mu")); },
                            {"multi.h5mu:/X:", "MuData", "/mod"});
  expect_error<FormatError>([] { read_h5mu(anndata_file("dense_f32.h5ad")); },
                            {"dense_f32.h5ad:/mod:", "not found"});
}

TEST(IoMuData, ModalitiesInFileOrderWithRowsInTheGlobalOrder) {
  const auto reference = load_reference_json("anndata/modalities.json");
  ASSERT_EQ(reference["files"].size(), 2U);
  for (const auto& file : reference["files"]) {
    const std::string name = file["file"].get<std::string>();
    SCOPED_TRACE(name);
    const MuData mu = read_h5mu(anndata_file(name));
    EXPECT_EQ(mu.obs_names, strings(file["obs_names"]));
    ASSERT_EQ(mu.modalities.size(), file["modalities"].size());
    for (std::size_t m = 0; m < mu.modalities.size(); ++m) {
      const auto& want = file["modalities"][m];
      const auto& [modality_name, modality] = mu.modalities[m];
      SCOPED_TRACE(modality_name);
      EXPECT_EQ(modality_name, want["name"].get<std::string>());
      expect_matrix(modality.X, want);
      EXPECT_EQ(modality.obs_names, mu.obs_names);
      EXPECT_EQ(modality.var_names, strings(want["var_names"]));
    }
  }
  // Without mod-order the order is by name; with it, the order the modalities were added.
  const MuData added = read_h5mu(anndata_file("multi.h5mu"));
  const MuData sorted = read_h5mu(anndata_file("sorted.h5mu"));
  EXPECT_EQ(added.modalities[0].first, "rna");
  EXPECT_EQ(sorted.modalities[0].first, "atac");
}

TEST(IoMuData, DtypeAppliesToEveryModality) {
  const MuData as_read = read_h5mu(anndata_file("multi.h5mu"));
  const MuData as_float = read_h5mu(anndata_file("multi.h5mu"), DType::Float32);
  ASSERT_EQ(as_float.modalities.size(), as_read.modalities.size());
  for (std::size_t m = 0; m < as_read.modalities.size(); ++m) {
    SCOPED_TRACE(as_read.modalities[m].first);
    const AnyMatrix& X = as_float.modalities[m].second.X;
    EXPECT_EQ(X.dtype(), DType::Float32);
    EXPECT_TRUE(dense(X) == dense(as_read.modalities[m].second.X).cast<float>().cast<double>());
  }
  EXPECT_EQ(as_read.modalities[1].second.X.dtype(), DType::Float64);  // int32 counts on disk
}

TEST(IoMuData, ModalitiesOnOtherSamplesAreRefused) {
  const auto reference = load_reference_json("anndata/modalities.json");
  ASSERT_EQ(reference["errors"].size(), 2U);
  for (const auto& e : reference["errors"]) {
    const std::string file = e["file"].get<std::string>();
    SCOPED_TRACE(file);
    const std::string modality = quoted(e["modality"].get<std::string>());
    const std::string sample = quoted(e["sample"].get<std::string>());
    expect_error<InvalidArgument>([&] { read_h5mu(anndata_file(file)); }, {modality, sample});
  }
}

}  // namespace
}  // namespace nmfkit::io
