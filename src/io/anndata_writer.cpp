#include "nmfkit/io/anndata_writer.hpp"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "hdf5_handles.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/anndata.hpp"

namespace nmfkit::io {

namespace {

using detail::hdf5_message;
using detail::Id;
using detail::Session;
using nlohmann::json;

// Where the writes go and what a failure names.
struct Target {
  std::string path;
  Id file;

  Id check(hid_t id, const std::string& object, const std::string& what) const {
    if (id < 0) throw FormatError(path, object, what + ": " + hdf5_message());
    return Id(id);
  }
  void check_status(herr_t status, const std::string& object, const std::string& what) const {
    if (status < 0) throw FormatError(path, object, what + ": " + hdf5_message());
  }
};

std::string child(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

Id string_type() {
  Id type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

void string_attribute(const Target& t, hid_t object, const std::string& where,
                      const std::string& name, const std::string& value) {
  if (H5Aexists(object, name.c_str()) > 0) H5Adelete(object, name.c_str());
  const Id type = string_type();
  const Id space(H5Screate(H5S_SCALAR));
  const Id attribute = t.check(H5Acreate2(object, name.c_str(), type.get(), space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT),
                               where, "cannot create the attribute " + name);
  const char* text = value.c_str();
  t.check_status(H5Awrite(attribute.get(), type.get(), &text), where, "cannot write " + name);
}

void encoding(const Target& t, hid_t object, const std::string& where, const std::string& type,
              const std::string& version) {
  string_attribute(t, object, where, "encoding-type", type);
  string_attribute(t, object, where, "encoding-version", version);
}

void remove_if_present(hid_t parent, const std::string& name) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0) H5Ldelete(parent, name.c_str(), H5P_DEFAULT);
}

// An existing group, or a new one with anndata's encoding attributes.
Id group(const Target& t, hid_t parent, const std::string& parent_path, const std::string& name,
         const std::string& type) {
  const std::string where = child(parent_path, name);
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0) {
    H5O_info_t info;
#if H5_VERSION_GE(1, 12, 0)
    const herr_t status = H5Oget_info_by_name3(parent, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT);
#else
    const herr_t status = H5Oget_info_by_name2(parent, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT);
#endif
    if (status >= 0 && info.type == H5O_TYPE_GROUP) {
      return t.check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), where, "cannot open");
    }
    if (type == "dataframe") {
      throw FormatError(t.path, where, "is in anndata's pre-0.7 layout; nmfkit cannot add columns");
    }
    H5Ldelete(parent, name.c_str(), H5P_DEFAULT);
  }
  Id made = t.check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), where,
                    "cannot create");
  encoding(t, made.get(), where, type, type == "dict" ? "0.1.0" : "0.2.0");
  return made;
}

template <class Value>
void dataset(const Target& t, hid_t parent, const std::string& where, const std::string& name,
             hid_t type, const std::vector<hsize_t>& dims, const Value* data,
             const std::string& encoding_type) {
  remove_if_present(parent, name);
  const Id space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  const std::string path = child(where, name);
  const Id set = t.check(H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         path, "cannot create");
  t.check_status(H5Dwrite(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path,
                 "cannot write");
  encoding(t, set.get(), path, encoding_type, "0.2.0");
}

void strings(const Target& t, hid_t parent, const std::string& where, const std::string& name,
             const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  const Id type = string_type();
  dataset(t, parent, where, name, type.get(), {values.size()}, pointers.data(), "string-array");
}

void matrix(const Target& t, hid_t parent, const std::string& where, const std::string& name,
            const DenseMatrix<double>& m) {
  dataset(t, parent, where, name, H5T_NATIVE_DOUBLE,
          {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, m.data(), "array");
}

// h5py's boolean: an int8 enum of FALSE and TRUE, which numpy reads as bool.
Id bool_type() {
  Id type(H5Tenum_create(H5T_NATIVE_INT8));
  const signed char no = 0, yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  return type;
}

// A JSON value as anndata encodes a value of uns.
void json_value(const Target& t, hid_t parent, const std::string& where, const std::string& name,
                const json& value) {
  if (value.is_null()) return;
  if (value.is_object()) {
    const Id g = group(t, parent, where, name, "dict");
    for (const auto& [key, item] : value.items()) json_value(t, g.get(), child(where, name), key, item);
  } else if (value.is_boolean()) {
    const signed char b = value.get<bool>() ? 1 : 0;
    const Id type = bool_type();
    dataset(t, parent, where, name, type.get(), {}, &b, "numeric-scalar");
  } else if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    dataset(t, parent, where, name, H5T_NATIVE_INT64, {}, &v, "numeric-scalar");
  } else if (value.is_number()) {
    const auto v = value.get<double>();
    dataset(t, parent, where, name, H5T_NATIVE_DOUBLE, {}, &v, "numeric-scalar");
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    const char* pointer = text.c_str();
    const Id type = string_type();
    dataset(t, parent, where, name, type.get(), {}, &pointer, "string");
  } else if (std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_number(); }) &&
             !value.empty()) {
    std::vector<double> numbers;
    for (const auto& v : value) numbers.push_back(v.get<double>());
    dataset(t, parent, where, name, H5T_NATIVE_DOUBLE, {numbers.size()}, numbers.data(), "array");
  } else if (std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); }) &&
             !value.empty()) {
    strings(t, parent, where, name, value.get<std::vector<std::string>>());
  } else {
    json_value(t, parent, where, name, json(value.dump()));  // nested or mixed lists as text
  }
}

// A categorical column of the obs dataframe, listed in its column-order.
void categorical(const Target& t, hid_t obs, const std::string& obs_path, const std::string& name,
                 const std::vector<std::string>& labels) {
  std::vector<std::string> categories(labels);
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  std::vector<std::int32_t> codes;
  for (const auto& label : labels) {
    codes.push_back(static_cast<std::int32_t>(
        std::lower_bound(categories.begin(), categories.end(), label) - categories.begin()));
  }
  remove_if_present(obs, name);
  const Id column = group(t, obs, obs_path, name, "categorical");
  const signed char no = 0;
  const Id type = bool_type();
  const Id space(H5Screate(H5S_SCALAR));
  const Id ordered = t.check(H5Acreate2(column.get(), "ordered", type.get(), space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT),
                             child(obs_path, name), "cannot create the attribute ordered");
  t.check_status(H5Awrite(ordered.get(), type.get(), &no), child(obs_path, name), "cannot write ordered");
  dataset(t, column.get(), child(obs_path, name), "codes", H5T_NATIVE_INT32, {codes.size()}, codes.data(),
          "array");
  strings(t, column.get(), child(obs_path, name), "categories", categories);

  // column-order: a string array attribute (an empty float64 array when there are none).
  std::vector<std::string> order;
  if (H5Aexists(obs, "column-order") > 0) {
    const Id attribute(H5Aopen(obs, "column-order", H5P_DEFAULT));
    const Id attribute_space(H5Aget_space(attribute.get()));
    const Id attribute_type(H5Aget_type(attribute.get()));
    const hssize_t n = H5Sget_simple_extent_npoints(attribute_space.get());
    if (n > 0 && H5Tget_class(attribute_type.get()) == H5T_STRING &&
        H5Tis_variable_str(attribute_type.get()) > 0) {
      std::vector<char*> values(static_cast<std::size_t>(n));
      const Id memory = string_type();
      t.check_status(H5Aread(attribute.get(), memory.get(), values.data()), obs_path,
                     "cannot read column-order");
      for (char* v : values) order.emplace_back(v ? v : "");
      H5Dvlen_reclaim(memory.get(), attribute_space.get(), H5P_DEFAULT, values.data());
    }
    H5Adelete(obs, "column-order");
  }
  if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  std::vector<const char*> pointers;
  for (const auto& v : order) pointers.push_back(v.c_str());
  const hsize_t size = order.size();
  const Id order_type = string_type();
  const Id order_space(H5Screate_simple(1, &size, nullptr));
  const Id attribute = t.check(H5Acreate2(obs, "column-order", order_type.get(), order_space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT),
                               obs_path, "cannot create column-order");
  t.check_status(H5Awrite(attribute.get(), order_type.get(), pointers.data()), obs_path,
                 "cannot write column-order");
}

// Adds `results` to the AnnData object at `root` ("/" for an .h5ad file, "/mod/NAME" for a
// modality of an .h5mu file).
void annotate(const Target& t, const std::string& root, const H5adResults& results) {
  const Id opened = root == "/" ? Id()
                                : t.check(H5Gopen2(t.file.get(), root.c_str(), H5P_DEFAULT), root,
                                          "cannot open");
  const hid_t at = root == "/" ? t.file.get() : opened.get();
  if (!results.obsm.empty()) {
    const Id obsm = group(t, at, root, "obsm", "dict");
    for (const auto& [key, m] : results.obsm) matrix(t, obsm.get(), child(root, "obsm"), key, m);
  }
  if (!results.varm.empty()) {
    const Id varm = group(t, at, root, "varm", "dict");
    for (const auto& [key, m] : results.varm) matrix(t, varm.get(), child(root, "varm"), key, m);
  }
  if (!results.obs_labels.empty()) {
    const Id obs = group(t, at, root, "obs", "dataframe");
    for (const auto& [key, labels] : results.obs_labels)
      categorical(t, obs.get(), child(root, "obs"), key, labels);
  }
  if (!results.uns_key.empty()) {
    const Id uns = group(t, at, root, "uns", "dict");
    remove_if_present(uns.get(), results.uns_key);
    json_value(t, uns.get(), child(root, "uns"), results.uns_key, json::parse(results.uns_json));
  }
}

// Each (root, results) pair added to the file at `path`, then flushed.
void annotate_file(const std::string& path,
                   const std::vector<std::pair<std::string, const H5adResults*>>& parts) {
  const Session session;
  Target t{path, Id()};
  t.file = t.check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "/", "cannot open for writing");
  for (const auto& [root, results] : parts) annotate(t, root, *results);
  t.check_status(H5Fflush(t.file.get(), H5F_SCOPE_GLOBAL), "/", "cannot flush");
}

void check_rows(const H5adResults& results, Index obs, Index var, const std::string& what) {
  for (const auto& [key, m] : results.obsm) {
    if (m.rows() != obs) {
      throw InvalidArgument("obsm['" + key + "'] has " + std::to_string(m.rows()) + " rows but " +
                            what + " has " + std::to_string(obs) + " samples");
    }
  }
  for (const auto& [key, m] : results.varm) {
    if (m.rows() != var) {
      throw InvalidArgument("varm['" + key + "'] has " + std::to_string(m.rows()) + " rows but " +
                            what + " has " + std::to_string(var) + " features");
    }
  }
  for (const auto& [key, labels] : results.obs_labels) {
    if (static_cast<Index>(labels.size()) != obs) {
      throw InvalidArgument("obs['" + key + "'] has " + std::to_string(labels.size()) +
                            " labels but " + what + " has " + std::to_string(obs) + " samples");
    }
  }
}

// Copies `input` to out's temporary name and adds the parts there, in a child process.
void write_copy(const std::string& input,
                const std::vector<std::pair<std::string, const H5adResults*>>& parts,
                AtomicFile& out) {
  std::error_code error;
  std::filesystem::copy_file(input, out.temp_path(),
                             std::filesystem::copy_options::overwrite_existing, error);
  if (error) {
    throw IoError("cannot copy '" + input + "' to '" + out.temp_path().string() +
                  "': " + error.message());
  }
  const std::string path = out.temp_path().string();
  const bool ran = detail::run_in_child(
      path,
      [&](detail::ResultWriter& writer) {
        annotate_file(path, parts);
        writer.begin_result();
      },
      [](detail::ResultReader&) {});
  if (!ran) annotate_file(path, parts);
}

}  // namespace

void write_h5ad_with_results(const std::string& input, const H5adResults& results,
                             AtomicFile& out) {
  // The shapes come from the file as the reader sees it (names only would do, but the
  // reader is the one place that knows every layout).
  const AnnData data = read_h5ad(input);
  check_rows(results, static_cast<Index>(data.obs_names.size()),
             static_cast<Index>(data.var_names.size()), input);
  write_copy(input, {{"/", &results}}, out);
}

void write_h5mu_with_results(const std::string& input, const H5muResults& results,
                             AtomicFile& out) {
  const MuData data = read_h5mu(input);
  const auto obs = static_cast<Index>(data.obs_names.size());
  if (!results.global.varm.empty())
    throw InvalidArgument("an .h5mu file has no global var: varm belongs to a modality");
  check_rows(results.global, obs, 0, input);
  std::vector<std::pair<std::string, const H5adResults*>> parts = {{"/", &results.global}};
  for (const auto& modality : results.modalities) {
    const std::string& name = modality.first;
    const H5adResults& part = modality.second;
    const auto found = std::find_if(data.modalities.begin(), data.modalities.end(),
                                    [&](const auto& m) { return m.first == name; });
    if (found == data.modalities.end())
      throw InvalidArgument(input + " has no modality '" + name + "'");
    // A modality's obsm and obs rows are its own samples, which need not be in the root's
    // order: only its var side is written.
    if (!part.obsm.empty() || !part.obs_labels.empty())
      throw InvalidArgument("results for modality '" + name + "' may only hold varm and uns");
    check_rows(part, 0, static_cast<Index>(found->second.var_names.size()),
               input + " (mod/" + name + ")");
    parts.emplace_back("/mod/" + name, &part);
  }
  write_copy(input, parts, out);
}

}  // namespace nmfkit::io
