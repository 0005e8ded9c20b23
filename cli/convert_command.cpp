// `nmfkit convert INPUT OUTPUT`: between .mtx, .npy, .csv and .tsv, changing the element
// type or the storage only when asked.

#include <memory>
#include <new>
#include <optional>
#include <string>

#include "command.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/delimited.hpp"
#include "nmfkit/io/matrix_file.hpp"

namespace nmfkit::cli {

namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string dtype;  // empty: keep the input's
  bool densify = false;
  bool sparse = false;
};

bool is_delimited(io::MatrixFormat format) {
  return format == io::MatrixFormat::Csv || format == io::MatrixFormat::Tsv;
}

char delimiter_of(io::MatrixFormat format) {
  return format == io::MatrixFormat::Csv ? ',' : '\t';
}

std::string shape_text(const AnyMatrix& m) {
  return std::to_string(m.rows()) + " x " + std::to_string(m.cols());
}

AnyMatrix to_dense(const AnyMatrix& matrix) {
  try {
    return matrix.visit([](const auto& m) -> AnyMatrix {
      using T = typename std::decay_t<decltype(m)>::Scalar;
      return DenseMatrix<T>(m);
    });
  } catch (const std::bad_alloc&) {
    throw InvalidArgument("a dense " + shape_text(matrix) + " matrix does not fit in memory");
  }
}

AnyMatrix to_sparse(const AnyMatrix& matrix) {
  return matrix.visit([](const auto& m) -> AnyMatrix {
    using M = std::decay_t<decltype(m)>;
    using T = typename M::Scalar;
    if constexpr (std::is_same_v<M, DenseMatrix<T>>) {
      // sparseView() with zero reference and epsilon drops exact zeros only.
      return SparseMatrix<T>(m.sparseView(T(0), T(0)));
    } else {
      return m;
    }
  });
}

void convert(const ConvertOptions& o) {
  // Check both names before reading, so a bad output name fails without the wait.
  const io::MatrixFormat in_format = io::format_from_path(o.input);
  const io::MatrixFormat out_format = io::output_format_from_path(o.output);
  std::optional<DType> dtype;
  if (!o.dtype.empty()) dtype = parse_dtype(o.dtype);
  if (o.sparse && out_format != io::MatrixFormat::MatrixMarket) {
    throw InvalidArgument("--sparse needs a .mtx output; '" + o.output +
                          "' holds dense matrices only");
  }

  AnyMatrix matrix;
  std::vector<std::string> column_names;  // carried from one delimited file to another
  if (is_delimited(in_format) && is_delimited(out_format)) {
    auto table = io::read_delimited(o.input, delimiter_of(in_format));
    matrix = std::move(table.matrix);
    column_names = std::move(table.column_names);
    if (dtype) matrix.convert(*dtype);
  } else {
    matrix = io::read_matrix(o.input, dtype);
  }

  if (o.sparse && !matrix.is_sparse()) matrix = to_sparse(matrix);
  if (matrix.is_sparse() && (o.densify || out_format != io::MatrixFormat::MatrixMarket)) {
    if (!o.densify) {
      throw InvalidArgument("'" + o.input + "' holds a sparse " + shape_text(matrix) +
                            " matrix and '" + o.output +
                            "' can only hold dense ones; add --densify to store every entry, "
                            "zeros included, or write .mtx");
    }
    matrix = to_dense(matrix);
  }

  if (!column_names.empty()) {
    io::write_delimited(o.output, matrix, delimiter_of(out_format), column_names);
  } else {
    io::write_matrix(o.output, matrix);
  }
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  auto* sub = app.add_subcommand(
      "convert",
      "Convert a matrix between .mtx, .npy, .csv and .tsv (text formats optionally .gz), "
      "or from the X of an .h5ad, "
      "chosen by the file names. Sparse matrices stay sparse: writing one to .npy, .csv or "
      ".tsv needs --densify. A CSV/TSV header is kept when the output is CSV/TSV too. The "
      "output is written to a temporary name and renamed, so a failure leaves no file.");
  sub->add_option("input", options->input, "matrix file to read")->required();
  sub->add_option("output", options->output, "matrix file to write (replaced if it exists)")
      ->required();
  sub->add_option("--dtype", options->dtype,
                  "element type of the output: float32 or float64 (default: the input's; "
                  ".mtx and text files read as float64, .npy keeps float32/float64 and reads "
                  "other types as float64)")
      ->check(CLI::IsMember({"float32", "float64"}));
  auto* densify = sub->add_flag("--densify", options->densify,
                                "store a sparse input as a dense matrix, zeros included; needed "
                                "for .npy, .csv and .tsv outputs, and makes .mtx use the "
                                "'array' layout (default: off, sparse stays sparse)");
  auto* sparse = sub->add_flag("--sparse", options->sparse,
                               "store a dense input as a sparse .mtx ('coordinate' layout), "
                               "dropping zeros (default: off, dense stays dense)");
  densify->excludes(sparse);
  sub->callback([options] { convert(*options); });
}

}  // namespace nmfkit::cli
