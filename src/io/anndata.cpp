#include "nmfkit/io/anndata.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <numeric>
#include <unordered_map>

#include "anndata_rows.hpp"
#include "child_process.hpp"
#include "hdf5_handles.hpp"
#include "input_file.hpp"
#include "nmfkit/core/error.hpp"

namespace nmfkit::io {

namespace {

using detail::hdf5_message;
using detail::Id;
using detail::Session;

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

std::string quote(const std::string& text) {
  return "'" + text + "'";
}

// The open file and its name, for messages that say where inside it something is wrong.
struct File {
  std::string path;
  Id id;

  [[noreturn]] void fail(const std::string& object, const std::string& what) const {
    throw FormatError(path, object, what);
  }
};

File open_file(const std::string& path) {
  detail::require_input_file(path);
  {
    // HDF5 reports an unreadable file only as "unable to open file"; ask the system why.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> probe(std::fopen(path.c_str(), "rb"),
                                                          std::fclose);
    if (!probe) throw IoError("cannot open '" + path + "': " + detail::system_message(errno));
  }
  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
#if H5_VERSION_GE(1, 10, 7)
  // Reading needs no lock, and network file systems often refuse one.
  H5Pset_file_locking(fapl.get(), false, true);
#endif
#if H5_VERSION_GE(1, 12, 0)
  const htri_t is_hdf5 = H5Fis_accessible(path.c_str(), fapl.get());
#else
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
#endif
  if (is_hdf5 == 0) {
    throw FormatError(path, "byte 0",
                      "not an HDF5 file (no HDF5 signature); .h5ad and .h5mu files are HDF5");
  }
  File file{path, Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()))};
  if (is_hdf5 < 0 || !file.id.valid()) {
    throw FormatError(path, "/", "cannot open as HDF5: " + hdf5_message());
  }
  return file;
}

// Whether the group `loc` holds a link called `name` (one path component).
bool has_link(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

bool has_attribute(hid_t object, const char* name) {
  return H5Aexists(object, name) > 0;
}

Id open_object(const File& f, hid_t loc, const std::string& name, const std::string& object) {
  Id id(H5Oopen(loc, name.c_str(), H5P_DEFAULT));
  if (!id.valid()) f.fail(object, "cannot open: " + hdf5_message());
  return id;
}

bool is_group(const Id& id) {
  return H5Iget_type(id.get()) == H5I_GROUP;
}
bool is_dataset(const Id& id) {
  return H5Iget_type(id.get()) == H5I_DATASET;
}

// Number of elements and dimensions of a dataspace; a scalar has no dimensions and one
// element, an empty (null) space none.
std::vector<hsize_t> dimensions(const File& f, hid_t space, const std::string& object) {
  switch (H5Sget_simple_extent_type(space)) {
    case H5S_SCALAR:
      return {};
    case H5S_NULL:
      return {0};
    case H5S_SIMPLE:
      break;
    default:
      f.fail(object, "cannot read the dataspace: " + hdf5_message());
  }
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank < 0 || H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) {
    f.fail(object, "cannot read the dataspace: " + hdf5_message());
  }
  return dims;
}

std::size_t element_count(const std::vector<hsize_t>& dims) {
  std::size_t count = 1;
  for (hsize_t d : dims) count *= static_cast<std::size_t>(d);
  return count;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

std::string class_text(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER:
      return "integers";
    case H5T_FLOAT:
      return "floats";
    case H5T_STRING:
      return "strings";
    case H5T_COMPOUND:
      return "records (a compound type)";
    case H5T_ENUM:
      return "an enumeration (h5py stores booleans as one)";
    case H5T_VLEN:
      return "variable-length sequences";
    case H5T_ARRAY:
      return "fixed-size arrays";
    case H5T_REFERENCE:
      return "object references";
    default:
      return "values of an unsupported HDF5 type";
  }
}

// Reads an attribute or a dataset whole into `buffer` as `memory_type`.
herr_t read_into(hid_t source, hid_t memory_type, void* buffer) {
  if (H5Iget_type(source) == H5I_ATTR) return H5Aread(source, memory_type, buffer);
  return H5Dread(source, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
}

// The strings of an attribute or dataset whose elements are strings, or records whose
// first field is a string (the pre-0.7 dataframe layout): variable-length strings come
// back as C strings HDF5 allocates, fixed-length ones as padded bytes. Either may be
// ASCII or UTF-8; the bytes are kept as they are.
std::vector<std::string> read_strings(const File& f, hid_t source, const std::string& object) {
  const bool attribute = H5Iget_type(source) == H5I_ATTR;
  Id type(attribute ? H5Aget_type(source) : H5Dget_type(source));
  Id space(attribute ? H5Aget_space(source) : H5Dget_space(source));
  if (!type.valid() || !space.valid()) f.fail(object, "cannot read: " + hdf5_message());
  const auto dims = dimensions(f, space.get(), object);
  if (dims.size() > 1)
    f.fail(object, "expected a list of names, found the shape " + shape_text(dims));
  const std::size_t count = element_count(dims);

  // In records, only the first field: HDF5 matches fields by name when converting.
  std::string member;
  Id string_type;
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class == H5T_COMPOUND) {
    if (H5Tget_nmembers(type.get()) < 1) f.fail(object, "a record type without fields");
    char* name = H5Tget_member_name(type.get(), 0);
    member = name != nullptr ? name : "";
    H5free_memory(name);
    string_type = Id(H5Tget_member_type(type.get(), 0));
    if (H5Tget_class(string_type.get()) != H5T_STRING) {
      f.fail(object, "the index field " + quote(member) + " holds " +
                         class_text(H5Tget_class(string_type.get())) + ", not names");
    }
  } else if (type_class == H5T_STRING) {
    string_type = Id(H5Tcopy(type.get()));
  } else {
    f.fail(object, "expected names (strings), found " + class_text(type_class));
  }

  const bool variable = H5Tis_variable_str(string_type.get()) > 0;
  const std::size_t fixed_size = variable ? sizeof(char*) : H5Tget_size(string_type.get());
  const H5T_str_t padding = H5Tget_strpad(string_type.get());
  Id value_type(H5Tcopy(H5T_C_S1));
  H5Tset_size(value_type.get(), variable ? H5T_VARIABLE : fixed_size);
  H5Tset_cset(value_type.get(), H5Tget_cset(string_type.get()));
  if (!variable) H5Tset_strpad(value_type.get(), padding);
  Id memory_type;
  if (member.empty()) {
    memory_type = std::move(value_type);
  } else {
    memory_type = Id(H5Tcreate(H5T_COMPOUND, fixed_size));
    H5Tinsert(memory_type.get(), member.c_str(), 0, value_type.get());
  }

  std::vector<std::string> names;
  if (count == 0) return names;
  names.reserve(count);
  if (variable) {
    std::vector<char*> pointers(count, nullptr);
    if (read_into(source, memory_type.get(), pointers.data()) < 0) {
      f.fail(object, "cannot read the names: " + hdf5_message());
    }
    // HDF5 allocated every string; hand them back however the copying ends.
    struct Reclaim {
      hid_t type, space;
      void* buffer;
      ~Reclaim() {
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
      }
    } reclaim{memory_type.get(), space.get(), pointers.data()};
    for (const char* p : pointers) names.emplace_back(p != nullptr ? p : "");
  } else {
    std::vector<char> bytes(count * fixed_size);
    if (read_into(source, memory_type.get(), bytes.data()) < 0) {
      f.fail(object, "cannot read the names: " + hdf5_message());
    }
    for (std::size_t i = 0; i < count; ++i) {
      std::string_view text(bytes.data() + i * fixed_size, fixed_size);
      if (padding == H5T_STR_SPACEPAD) {
        text = text.substr(0, text.find_last_not_of(' ') + 1);
      } else {
        text = text.substr(0, text.find('\0'));
      }
      names.emplace_back(text);
    }
  }
  return names;
}

std::optional<std::string> string_attribute(const File& f, hid_t object, const char* name,
                                            const std::string& object_path) {
  if (!has_attribute(object, name)) return std::nullopt;
  Id attribute(H5Aopen(object, name, H5P_DEFAULT));
  const std::string where = object_path + " (attribute " + name + ")";
  if (!attribute.valid()) f.fail(where, "cannot open: " + hdf5_message());
  auto values = read_strings(f, attribute.get(), where);
  if (values.size() != 1)
    f.fail(where, "expected one string, found " + std::to_string(values.size()));
  return values.front();
}

std::vector<std::int64_t> integer_attribute(const File& f, hid_t object, const char* name,
                                            const std::string& object_path) {
  Id attribute(H5Aopen(object, name, H5P_DEFAULT));
  const std::string where = object_path + " (attribute " + name + ")";
  if (!attribute.valid()) f.fail(where, "cannot open: " + hdf5_message());
  Id type(H5Aget_type(attribute.get()));
  Id space(H5Aget_space(attribute.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER) {
    f.fail(where, "expected integers, found " + class_text(H5Tget_class(type.get())));
  }
  const auto dims = dimensions(f, space.get(), where);
  if (dims.size() > 1)
    f.fail(where, "expected a list of integers, found the shape " + shape_text(dims));
  std::vector<std::int64_t> values(element_count(dims));
  if (!values.empty() && H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0) {
    f.fail(where, "cannot read: " + hdf5_message());
  }
  return values;
}

// How the numbers of a dataset are stored, which decides the element type they become.
enum class Stored { Float32, Float64, Integer };

Stored stored_numbers(const File& f, hid_t dataset, const std::string& object) {
  Id type(H5Dget_type(dataset));
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class == H5T_INTEGER) return Stored::Integer;
  if (type_class == H5T_FLOAT) {
    const std::size_t size = H5Tget_size(type.get());
    if (size == 4) return Stored::Float32;
    if (size == 2 || size == 8) return Stored::Float64;
    f.fail(object,
           "floats of " + std::to_string(size) + " bytes are not supported; expected 2, 4 or 8");
  }
  f.fail(object, "expected numbers, found " + class_text(type_class));
}

// float32 data stays float32 and every other number becomes float64, as scikit-learn
// converts; integers go straight to a requested type, so they are rounded only once.
DType element_type(Stored stored, std::optional<DType> requested) {
  if (stored == Stored::Integer && requested) return *requested;
  return stored == Stored::Float32 ? DType::Float32 : DType::Float64;
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
}

struct Dataset {
  Id id;
  std::string object;
  std::vector<hsize_t> dims;
};

Dataset open_dataset(const File& f, hid_t loc, const std::string& name, const std::string& object) {
  if (!has_link(loc, name)) f.fail(object, "not found");
  Dataset d{open_object(f, loc, name, object), object, {}};
  if (!is_dataset(d.id)) f.fail(object, "expected a dataset, found a group");
  Id space(H5Dget_space(d.id.get()));
  d.dims = dimensions(f, space.get(), object);
  return d;
}

// The name of a compression filter the dataset uses and this HDF5 library lacks (h5py's
// lzf, for one), or "" when every filter is there. HDF5's own message for that case is
// about the plugin directory it searched, which does not tell the user what to change.
std::string missing_filter(hid_t dataset) {
  Id creation(H5Dget_create_plist(dataset));
  const int count = creation.valid() ? H5Pget_nfilters(creation.get()) : 0;
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0;
    unsigned config = 0;
    std::size_t n_values = 0;
    char name[64] = {};
    const H5Z_filter_t filter = H5Pget_filter2(creation.get(), static_cast<unsigned>(i), &flags,
                                               &n_values, nullptr, sizeof name, name, &config);
    if (filter >= 0 && H5Zfilter_avail(filter) <= 0) {
      return quote(name[0] != '\0' ? name : "?") + " (HDF5 filter " + std::to_string(filter) + ")";
    }
  }
  return "";
}

template <class T>
void read_values(const File& f, const Dataset& d, T* out) {
  if (element_count(d.dims) == 0) return;
  if (H5Dread(d.id.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
    const std::string filter = missing_filter(d.id.get());
    if (!filter.empty()) {
      f.fail(d.object, "cannot read the values: they are compressed with the filter " + filter +
                           ", which this HDF5 library does not have; rewrite the file with "
                           "gzip compression or none");
    }
    f.fail(d.object, "cannot read the values: " + hdf5_message());
  }
}

// A 1-D dataset of numbers (sparse data, indices, indptr) as T.
template <class T>
std::vector<T> read_vector(const File& f, hid_t group, const std::string& name,
                           const std::string& group_path) {
  const Dataset d = open_dataset(f, group, name, child_path(group_path, name));
  if (d.dims.size() != 1)
    f.fail(d.object, "expected a 1-D array, found the shape " + shape_text(d.dims));
  const Stored stored = stored_numbers(f, d.id.get(), d.object);
  if (std::is_integral_v<T> && stored != Stored::Integer) {
    f.fail(d.object, "expected integers, found floats");
  }
  std::vector<T> values(d.dims[0]);
  read_values(f, d, values.data());
  return values;
}

template <class T>
AnyMatrix read_dense(const File& f, const Dataset& d) {
  DenseMatrix<T> m(static_cast<Index>(d.dims[0]), static_cast<Index>(d.dims[1]));
  read_values(f, d, m.data());  // both row-major
  return m;
}

AnyMatrix read_dense_x(const File& f, const Dataset& d, std::optional<DType> dtype) {
  if (d.dims.size() != 2) {
    f.fail(d.object, "expected a 2-D matrix, found the shape " + shape_text(d.dims));
  }
  const DType type = element_type(stored_numbers(f, d.id.get(), d.object), dtype);
  return type == DType::Float32 ? read_dense<float>(f, d) : read_dense<double>(f, d);
}

// Sorts the indices within each row (column, for CSC) and sums entries that repeat an
// index, as scipy's sum_duplicates does: Eigen expects each row strictly increasing.
// Works in place, moving entries forward when repeats are merged.
template <class T>
void canonicalise(std::vector<std::int64_t>& indptr, std::vector<std::int64_t>& indices,
                  std::vector<T>& data) {
  const std::size_t slices = indptr.size() - 1;
  std::int64_t write = 0;
  std::int64_t begin = indptr[0];
  std::vector<std::int64_t> order;
  std::vector<std::int64_t> sorted_indices;
  std::vector<T> sorted_data;
  for (std::size_t s = 0; s < slices; ++s) {
    const std::int64_t end = indptr[s + 1];
    const std::int64_t slice_start = write;
    bool increasing = true;
    for (std::int64_t k = begin + 1; k < end && increasing; ++k)
      increasing = indices[k - 1] < indices[k];
    if (increasing) {
      if (write != begin) {
        std::copy(indices.begin() + begin, indices.begin() + end, indices.begin() + write);
        std::copy(data.begin() + begin, data.begin() + end, data.begin() + write);
      }
      write += end - begin;
    } else {
      order.resize(static_cast<std::size_t>(end - begin));
      std::iota(order.begin(), order.end(), begin);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::int64_t a, std::int64_t b) { return indices[a] < indices[b]; });
      sorted_indices.clear();
      sorted_data.clear();
      for (std::int64_t k : order) {
        if (!sorted_indices.empty() && sorted_indices.back() == indices[k]) {
          sorted_data.back() += data[k];
        } else {
          sorted_indices.push_back(indices[k]);
          sorted_data.push_back(data[k]);
        }
      }
      std::copy(sorted_indices.begin(), sorted_indices.end(), indices.begin() + slice_start);
      std::copy(sorted_data.begin(), sorted_data.end(), data.begin() + slice_start);
      write += static_cast<std::int64_t>(sorted_indices.size());
    }
    indptr[s + 1] = write;
    begin = end;
  }
  indices.resize(static_cast<std::size_t>(write));
  data.resize(static_cast<std::size_t>(write));
}

template <class T>
AnyMatrix read_sparse(const File& f, hid_t group, const std::string& object, bool csr, Index rows,
                      Index cols) {
  std::vector<T> data = read_vector<T>(f, group, "data", object);
  std::vector<std::int64_t> indices = read_vector<std::int64_t>(f, group, "indices", object);
  std::vector<std::int64_t> indptr = read_vector<std::int64_t>(f, group, "indptr", object);
  const Index major = csr ? rows : cols;
  const Index minor = csr ? cols : rows;
  const std::string kind = csr ? "row" : "column";
  const std::string indptr_path = child_path(object, "indptr");
  const std::string indices_path = child_path(object, "indices");
  const auto nnz = static_cast<std::int64_t>(data.size());

  if (static_cast<Index>(indptr.size()) != major + 1) {
    f.fail(indptr_path, "holds " + std::to_string(indptr.size()) + " offsets; a matrix of " +
                            std::to_string(major) + " " + kind + "s needs " +
                            std::to_string(major + 1));
  }
  if (indices.size() != data.size()) {
    f.fail(indices_path, "holds " + std::to_string(indices.size()) + " indices but data holds " +
                             std::to_string(data.size()) + " values");
  }
  if (indptr.front() != 0)
    f.fail(indptr_path, "starts at " + std::to_string(indptr.front()) + ", not 0");
  for (std::size_t i = 1; i < indptr.size(); ++i) {
    if (indptr[i] < indptr[i - 1]) {
      f.fail(indptr_path, "decreases at position " + std::to_string(i) + " (from " +
                              std::to_string(indptr[i - 1]) + " to " + std::to_string(indptr[i]) +
                              "); offsets must never decrease");
    }
  }
  if (indptr.back() != nnz) {
    f.fail(indptr_path, "ends at " + std::to_string(indptr.back()) + " but data holds " +
                            std::to_string(nnz) + " values");
  }
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= minor) {
      f.fail(indices_path, "value " + std::to_string(indices[k]) + " at position " +
                               std::to_string(k) + " is not a " + (csr ? "column" : "row") +
                               " of the " + std::to_string(rows) + " x " + std::to_string(cols) +
                               " matrix");
    }
  }
  canonicalise(indptr, indices, data);

  const auto stored = static_cast<Index>(data.size());
  if (csr) {
    return SparseMatrix<T>(Eigen::Map<const SparseMatrix<T>>(rows, cols, stored, indptr.data(),
                                                             indices.data(), data.data()));
  }
  using Csc = Eigen::SparseMatrix<T, Eigen::ColMajor, std::int64_t>;
  return SparseMatrix<T>(
      Eigen::Map<const Csc>(rows, cols, stored, indptr.data(), indices.data(), data.data()));
}

AnyMatrix read_sparse_x(const File& f, hid_t group, const std::string& object,
                        std::optional<DType> dtype) {
  // anndata >= 0.7 names the encoding; older versions wrote h5sparse's attributes.
  bool csr = true;
  const char* shape_attribute = "shape";
  if (const auto encoding = string_attribute(f, group, "encoding-type", object)) {
    if (*encoding != "csr_matrix" && *encoding != "csc_matrix") {
      f.fail(object, "encoding-type " + quote(*encoding) +
                         " is not a matrix nmfkit reads; expected csr_matrix, csc_matrix or a "
                         "dense array");
    }
    csr = *encoding == "csr_matrix";
  } else if (const auto format = string_attribute(f, group, "h5sparse_format", object)) {
    if (*format != "csr" && *format != "csc") {
      f.fail(object, "h5sparse_format " + quote(*format) + " is not csr or csc");
    }
    csr = *format == "csr";
    shape_attribute = "h5sparse_shape";
  } else {
    f.fail(object,
           "a group without a sparse matrix encoding (attribute encoding-type "
           "csr_matrix or csc_matrix)");
  }
  if (!has_attribute(group, shape_attribute)) {
    f.fail(object, std::string("lacks the attribute ") + shape_attribute + " (rows, columns)");
  }
  const auto shape = integer_attribute(f, group, shape_attribute, object);
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    f.fail(object + " (attribute " + shape_attribute + ")",
           "expected two non-negative sizes (rows, columns)");
  }
  const std::string data_path = child_path(object, "data");
  const Dataset data = open_dataset(f, group, "data", data_path);
  const DType type = element_type(stored_numbers(f, data.id.get(), data_path), dtype);
  if (type == DType::Float32) return read_sparse<float>(f, group, object, csr, shape[0], shape[1]);
  return read_sparse<double>(f, group, object, csr, shape[0], shape[1]);
}

// The index of a dataframe: a group whose attribute "_index" names the dataset of index
// values (anndata >= 0.7), or a compound dataset whose first field is the index (older
// anndata). Sets `names_path` to the object the names came from, for messages.
std::vector<std::string> read_index(const File& f, hid_t parent, const std::string& object,
                                    const std::string& name, std::string& names_path) {
  Id frame = open_object(f, parent, name, object);
  names_path = object;
  if (is_group(frame)) {
    const auto index = string_attribute(f, frame.get(), "_index", object);
    if (!index) f.fail(object, "a dataframe group without the attribute _index naming its index");
    names_path = child_path(object, *index);
    const Dataset d = open_dataset(f, frame.get(), *index, names_path);
    return read_strings(f, d.id.get(), names_path);
  }
  if (is_dataset(frame)) return read_strings(f, frame.get(), object);
  f.fail(object, "expected a dataframe (a group or a record dataset)");
}

// The obs or var names of an AnnData, one per row or column of X. Without a dataframe,
// anndata numbers them "0", "1", ..., and so does this.
std::vector<std::string> read_names(const File& f, hid_t parent, const std::string& parent_path,
                                    const std::string& name, Index expected,
                                    const std::string& what_counts) {
  if (!has_link(parent, name)) {
    std::vector<std::string> names;
    for (Index i = 0; i < expected; ++i) names.push_back(std::to_string(i));
    return names;
  }
  std::string names_path;
  auto names = read_index(f, parent, child_path(parent_path, name), name, names_path);
  if (static_cast<Index>(names.size()) != expected) {
    f.fail(names_path, "holds " + std::to_string(names.size()) + " names but X has " +
                           std::to_string(expected) + " " + what_counts);
  }
  return names;
}

AnnData read_anndata(const File& f, hid_t group, const std::string& group_path,
                     std::optional<DType> dtype) {
  const std::string x_path = child_path(group_path, "X");
  if (!has_link(group, "X")) {
    const bool mudata = group_path == "/" && has_link(group, "mod");
    f.fail(x_path, std::string("not found: the file holds no data matrix X") +
                       (mudata ? " (it is a MuData file: its matrices are under /mod)" : ""));
  }
  AnnData a;
  Id x = open_object(f, group, "X", x_path);
  if (is_group(x)) {
    a.X = read_sparse_x(f, x.get(), x_path, dtype);
  } else if (is_dataset(x)) {
    Id space(H5Dget_space(x.get()));
    Dataset d{std::move(x), x_path, {}};
    d.dims = dimensions(f, space.get(), x_path);
    a.X = read_dense_x(f, d, dtype);
  } else {
    f.fail(x_path, "expected a matrix (a dataset or a sparse matrix group)");
  }
  a.obs_names = read_names(f, group, group_path, "obs", a.X.rows(), "rows");
  a.var_names = read_names(f, group, group_path, "var", a.X.cols(), "columns");
  if (dtype) a.X.convert(*dtype);
  return a;
}

// Rows of `matrix` in a new order: row t of the result is row source[t] of the input.
AnyMatrix take_rows(const AnyMatrix& matrix, const std::vector<Index>& source) {
  return matrix.visit([&](const auto& m) -> AnyMatrix {
    using M = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<M, SparseMatrix<float>> ||
                  std::is_same_v<M, SparseMatrix<double>>) {
      M out(m.rows(), m.cols());
      out.resizeNonZeros(m.nonZeros());
      auto* outer = out.outerIndexPtr();
      outer[0] = 0;
      for (std::size_t t = 0; t < source.size(); ++t) {
        const auto from = m.outerIndexPtr()[source[t]];
        const auto to = m.outerIndexPtr()[source[t] + 1];
        std::copy(m.innerIndexPtr() + from, m.innerIndexPtr() + to, out.innerIndexPtr() + outer[t]);
        std::copy(m.valuePtr() + from, m.valuePtr() + to, out.valuePtr() + outer[t]);
        outer[t + 1] = outer[t] + (to - from);
      }
      return out;
    } else {
      M out(m.rows(), m.cols());
      for (std::size_t t = 0; t < source.size(); ++t)
        out.row(static_cast<Index>(t)) = m.row(source[t]);
      return out;
    }
  });
}

// Puts a modality's rows in the order of the global sample names, or says which sample
// keeps it from holding exactly those samples.
void align_samples(AnnData& modality, const std::string& name,
                   const std::vector<std::string>& samples) {
  if (modality.obs_names == samples) return;
  const std::string who = "modality " + quote(name);
  std::unordered_map<std::string, Index> position;
  position.reserve(samples.size());
  for (std::size_t g = 0; g < samples.size(); ++g) {
    if (!position.emplace(samples[g], static_cast<Index>(g)).second) {
      throw InvalidArgument(who +
                            " lists the samples in another order than the root obs, and the "
                            "root obs names sample " +
                            quote(samples[g]) + " twice, so rows cannot be matched to samples");
    }
  }
  std::vector<Index> source(samples.size(), -1);
  for (std::size_t i = 0; i < modality.obs_names.size(); ++i) {
    const auto found = position.find(modality.obs_names[i]);
    if (found == position.end()) {
      throw InvalidArgument(who + " has sample " + quote(modality.obs_names[i]) +
                            ", which the root obs lacks; every modality must hold the same "
                            "samples");
    }
    if (source[found->second] >= 0) {
      throw InvalidArgument(who + " names sample " + quote(modality.obs_names[i]) + " twice");
    }
    source[found->second] = static_cast<Index>(i);
  }
  for (std::size_t g = 0; g < samples.size(); ++g) {
    if (source[g] < 0) {
      throw InvalidArgument(who + " lacks sample " + quote(samples[g]) +
                            " of the root obs; every modality must hold the same samples");
    }
  }
  modality.X = take_rows(modality.X, source);
  modality.obs_names = samples;
}

std::vector<std::string> link_names(const File& f, hid_t group, const std::string& object) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) f.fail(object, "cannot list: " + hdf5_message());
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(std::max<ssize_t>(size, 0)), '\0');
    if (size < 0 || H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                                       name.size() + 1, H5P_DEFAULT) < 0) {
      f.fail(object, "cannot list: " + hdf5_message());
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// 10x Genomics' feature-barcode matrix (Cell Ranger 3 and later): /matrix holds the genes ×
// cells matrix in CSC (data, indices, indptr, shape) with barcodes and features/name. Its
// CSC arrays are the cells × genes matrix in CSR, read as they are.
AnnData read_10x(const File& f, std::optional<DType> dtype) {
  const Id matrix = open_object(f, f.id.get(), "matrix", "/matrix");
  if (!is_group(matrix)) f.fail("/matrix", "expected a group (10x Genomics' layout)");
  const auto shape = read_vector<std::int64_t>(f, matrix.get(), "shape", "/matrix");
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    f.fail("/matrix/shape", "expected two non-negative sizes (features, barcodes)");
  }
  const Dataset data = open_dataset(f, matrix.get(), "data", "/matrix/data");
  const DType type = element_type(stored_numbers(f, data.id.get(), "/matrix/data"), dtype);
  AnnData a;
  a.X = type == DType::Float32
            ? read_sparse<float>(f, matrix.get(), "/matrix", true, shape[1], shape[0])
            : read_sparse<double>(f, matrix.get(), "/matrix", true, shape[1], shape[0]);
  const Dataset barcodes = open_dataset(f, matrix.get(), "barcodes", "/matrix/barcodes");
  a.obs_names = read_strings(f, barcodes.id.get(), "/matrix/barcodes");
  const Id features = open_object(f, matrix.get(), "features", "/matrix/features");
  const Dataset names = open_dataset(f, features.get(), "name", "/matrix/features/name");
  a.var_names = read_strings(f, names.id.get(), "/matrix/features/name");
  if (static_cast<Index>(a.obs_names.size()) != a.X.rows()) {
    f.fail("/matrix/barcodes", "holds " + std::to_string(a.obs_names.size()) +
                                   " barcodes but the matrix has " + std::to_string(a.X.rows()));
  }
  if (static_cast<Index>(a.var_names.size()) != a.X.cols()) {
    f.fail("/matrix/features/name", "holds " + std::to_string(a.var_names.size()) +
                                        " names but the matrix has " +
                                        std::to_string(a.X.cols()) + " features");
  }
  if (dtype) a.X.convert(*dtype);
  return a;
}

AnnData read_h5ad_here(const std::string& path, std::optional<DType> dtype) {
  Session session;
  const File f = open_file(path);
  if (!has_link(f.id.get(), "X") && has_link(f.id.get(), "matrix")) return read_10x(f, dtype);
  return read_anndata(f, f.id.get(), "/", dtype);
}

MuData read_h5mu_here(const std::string& path, std::optional<DType> dtype) {
  Session session;
  const File f = open_file(path);
  const hid_t root = f.id.get();
  if (has_attribute(root, "axis")) {
    const auto axis = integer_attribute(f, root, "axis", "/");
    if (axis.size() == 1 && axis[0] == 1) {
      throw InvalidArgument("'" + path +
                            "' is a MuData file whose modalities share features, not samples "
                            "(axis 1); nmfkit needs modalities measured on the same samples");
    }
  }
  if (!has_link(root, "mod")) {
    f.fail("/mod", "not found: a MuData file keeps its modalities in the group /mod");
  }
  Id mod = open_object(f, root, "mod", "/mod");
  if (!is_group(mod)) f.fail("/mod", "expected a group of modalities");
  std::vector<std::string> present = link_names(f, mod.get(), "/mod");

  // mod-order gives the order the modalities were added in; any it misses come after.
  std::vector<std::string> order;
  if (has_attribute(mod.get(), "mod-order")) {
    Id attribute(H5Aopen(mod.get(), "mod-order", H5P_DEFAULT));
    const std::string where = "/mod (attribute mod-order)";
    if (!attribute.valid()) f.fail(where, "cannot open: " + hdf5_message());
    order = read_strings(f, attribute.get(), where);
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (!std::binary_search(present.begin(), present.end(), order[i])) {
        f.fail(where, "names the modality " + quote(order[i]) + ", which /mod does not hold");
      }
      if (std::find(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(i), order[i]) !=
          order.begin() + static_cast<std::ptrdiff_t>(i)) {
        f.fail(where, "names the modality " + quote(order[i]) + " twice");
      }
    }
  }
  for (const auto& name : present) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  if (order.empty()) f.fail("/mod", "holds no modality");

  MuData mu;
  if (!has_link(root, "obs")) f.fail("/obs", "not found: the global sample names are missing");
  std::string names_path;
  mu.obs_names = read_index(f, root, "/obs", "obs", names_path);

  for (const auto& name : order) {
    const std::string object = child_path("/mod", name);
    Id group = open_object(f, mod.get(), name, object);
    if (!is_group(group)) f.fail(object, "expected an AnnData group");
    AnnData modality = read_anndata(f, group.get(), object, dtype);
    align_samples(modality, name, mu.obs_names);
    mu.modalities.emplace_back(name, std::move(modality));
  }
  return mu;
}

void send_anndata(detail::ResultWriter& out, const AnnData& a) {
  out.matrix(a.X);
  out.texts(a.obs_names);
  out.texts(a.var_names);
}

AnnData receive_anndata(detail::ResultReader& in) {
  AnnData a;
  a.X = in.matrix();
  a.obs_names = in.texts();
  a.var_names = in.texts();
  return a;
}

}  // namespace

// HDF5 runs in a child process (child_process.hpp): a corrupt file can crash it.
AnnData read_h5ad(const std::string& path, std::optional<DType> dtype) {
  return detail::read_in_child(
      path, [&] { return read_h5ad_here(path, dtype); }, send_anndata,
      receive_anndata);
}

MuData read_h5mu(const std::string& path, std::optional<DType> dtype) {
  return detail::read_in_child(
      path, [&] { return read_h5mu_here(path, dtype); },
      [](detail::ResultWriter& out, const MuData& mu) {
        out.texts(mu.obs_names);
        out.number(mu.modalities.size());
        for (const auto& [name, modality] : mu.modalities) {
          out.text(name);
          send_anndata(out, modality);
        }
      },
      [](detail::ResultReader& in) {
        MuData mu;
        mu.obs_names = in.texts();
        const std::uint64_t count = in.number();
        for (std::uint64_t i = 0; i < count; ++i) {
          std::string name = in.text();
          mu.modalities.emplace_back(std::move(name), receive_anndata(in));
        }
        return mu;
      });
}

namespace {

// X's group, opened and checked as a CSR matrix; sets rows and cols.
Id open_csr_x(const File& f, Index& rows, Index& cols) {
  if (!has_link(f.id.get(), "X")) f.fail("/X", "not found: the file holds no data matrix X");
  Id x = open_object(f, f.id.get(), "X", "/X");
  if (!is_group(x)) {
    throw InvalidArgument("'" + f.path +
                          "' holds a dense X; reading it by rows needs a CSR X (or give a .npy)");
  }
  std::string encoding = string_attribute(f, x.get(), "encoding-type", "/X").value_or("");
  if (encoding.empty()) {
    encoding = string_attribute(f, x.get(), "h5sparse_format", "/X").value_or("") == "csr"
                   ? "csr_matrix"
                   : "";
  }
  if (encoding != "csr_matrix") {
    throw InvalidArgument("'" + f.path + "' holds X as " +
                          (encoding.empty() ? std::string("a non-CSR group") : encoding) +
                          "; reading it by rows needs csr_matrix");
  }
  const char* shape_attribute = has_attribute(x.get(), "shape") ? "shape" : "h5sparse_shape";
  if (!has_attribute(x.get(), shape_attribute)) {
    f.fail("/X", "lacks the attribute shape (rows, columns)");
  }
  const auto shape = integer_attribute(f, x.get(), shape_attribute, "/X");
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    f.fail("/X (attribute shape)", "expected two non-negative sizes (rows, columns)");
  }
  rows = shape[0];
  cols = shape[1];
  return x;
}

detail::CsrLayout csr_layout_here(const std::string& path, std::optional<DType> dtype) {
  Session session;
  const File f = open_file(path);
  detail::CsrLayout layout;
  const Id x = open_csr_x(f, layout.rows, layout.cols);
  const Dataset data = open_dataset(f, x.get(), "data", "/X/data");
  const Dataset indices = open_dataset(f, x.get(), "indices", "/X/indices");
  if (data.dims.size() != 1 || indices.dims.size() != 1) {
    f.fail("/X", "expected 1-D data and indices");
  }
  if (indices.dims[0] != data.dims[0]) {
    f.fail("/X/indices", "holds " + std::to_string(indices.dims[0]) +
                             " indices but data holds " + std::to_string(data.dims[0]) +
                             " values");
  }
  if (stored_numbers(f, indices.id.get(), "/X/indices") != Stored::Integer) {
    f.fail("/X/indices", "expected integers, found floats");
  }
  layout.dtype = element_type(stored_numbers(f, data.id.get(), "/X/data"), dtype);
  if (dtype) layout.dtype = *dtype;
  layout.indptr = read_vector<std::int64_t>(f, x.get(), "indptr", "/X");
  const auto& indptr = layout.indptr;
  if (static_cast<Index>(indptr.size()) != layout.rows + 1) {
    f.fail("/X/indptr", "holds " + std::to_string(indptr.size()) + " offsets; a matrix of " +
                            std::to_string(layout.rows) + " rows needs " +
                            std::to_string(layout.rows + 1));
  }
  if (indptr.front() != 0) {
    f.fail("/X/indptr", "starts at " + std::to_string(indptr.front()) + ", not 0");
  }
  for (std::size_t i = 1; i < indptr.size(); ++i) {
    if (indptr[i] < indptr[i - 1]) {
      f.fail("/X/indptr", "decreases at position " + std::to_string(i) +
                              "; offsets must never decrease");
    }
  }
  if (static_cast<hsize_t>(indptr.back()) != data.dims[0]) {
    f.fail("/X/indptr", "ends at " + std::to_string(indptr.back()) + " but data holds " +
                            std::to_string(data.dims[0]) + " values");
  }
  return layout;
}

// Elements [offset, offset + count) of a 1-D dataset.
template <class T>
void read_slice(const File& f, hid_t group, const std::string& name, hsize_t offset,
                hsize_t count, T* out) {
  const Dataset d = open_dataset(f, group, name, child_path("/X", name));
  if (count == 0) return;
  Id file_space(H5Dget_space(d.id.get()));
  Id memory_space(H5Screate_simple(1, &count, nullptr));
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &offset, nullptr, &count, nullptr) <
          0 ||
      H5Dread(d.id.get(), native_type<T>(), memory_space.get(), file_space.get(), H5P_DEFAULT,
              out) < 0) {
    f.fail(d.object, "cannot read the values: " + hdf5_message());
  }
}

template <class T>
SparseMatrix<T> csr_rows_here(const std::string& path, const detail::CsrLayout& layout,
                              Index first, Index count) {
  Session session;
  const File f = open_file(path);
  Index rows = 0, cols = 0;
  const Id x = open_csr_x(f, rows, cols);
  const std::int64_t begin = layout.indptr[static_cast<std::size_t>(first)];
  const std::int64_t end = layout.indptr[static_cast<std::size_t>(first + count)];
  const auto n = static_cast<std::size_t>(end - begin);
  std::vector<std::int64_t> indices(n);
  std::vector<T> data(n);
  read_slice(f, x.get(), "indices", static_cast<hsize_t>(begin), n, indices.data());
  read_slice(f, x.get(), "data", static_cast<hsize_t>(begin), n, data.data());
  for (std::size_t p = 0; p < n; ++p) {
    if (indices[p] < 0 || indices[p] >= layout.cols) {
      f.fail("/X/indices", "value " + std::to_string(indices[p]) + " at position " +
                               std::to_string(static_cast<std::int64_t>(p) + begin) +
                               " is not a column of the " + std::to_string(layout.rows) + " x " +
                               std::to_string(layout.cols) + " matrix");
    }
  }
  std::vector<std::int64_t> indptr(static_cast<std::size_t>(count) + 1);
  for (Index i = 0; i <= count; ++i) {
    indptr[static_cast<std::size_t>(i)] = layout.indptr[static_cast<std::size_t>(first + i)] - begin;
  }
  canonicalise(indptr, indices, data);
  return SparseMatrix<T>(Eigen::Map<const SparseMatrix<T>>(
      count, layout.cols, static_cast<Index>(data.size()), indptr.data(), indices.data(),
      data.data()));
}

}  // namespace

detail::CsrLayout detail::read_h5ad_csr_layout(const std::string& path,
                                               std::optional<DType> dtype) {
  return detail::read_in_child(
      path, [&] { return csr_layout_here(path, dtype); },
      [](detail::ResultWriter& out, const CsrLayout& layout) {
        out.number(static_cast<std::uint64_t>(layout.rows));
        out.number(static_cast<std::uint64_t>(layout.cols));
        out.number(layout.dtype == DType::Float32 ? 4 : 8);
        out.bytes(layout.indptr.data(), layout.indptr.size() * sizeof(std::int64_t));
      },
      [](detail::ResultReader& in) {
        CsrLayout layout;
        layout.rows = static_cast<Index>(in.number());
        layout.cols = static_cast<Index>(in.number());
        layout.dtype = in.number() == 4 ? DType::Float32 : DType::Float64;
        layout.indptr.resize(static_cast<std::size_t>(layout.rows) + 1);
        in.bytes(layout.indptr.data(), layout.indptr.size() * sizeof(std::int64_t));
        return layout;
      });
}

template <class T>
SparseMatrix<T> detail::read_h5ad_csr_rows(const std::string& path, const CsrLayout& layout,
                                           Index first, Index count) {
  const AnyMatrix rows = detail::read_in_child(
      path, [&]() -> AnyMatrix { return csr_rows_here<T>(path, layout, first, count); },
      [](detail::ResultWriter& out, const AnyMatrix& m) { out.matrix(m); },
      [](detail::ResultReader& in) { return in.matrix(); });
  return std::get<SparseMatrix<T>>(rows.storage());
}

template SparseMatrix<float> detail::read_h5ad_csr_rows(const std::string&, const CsrLayout&,
                                                        Index, Index);
template SparseMatrix<double> detail::read_h5ad_csr_rows(const std::string&, const CsrLayout&,
                                                         Index, Index);

}  // namespace nmfkit::io
