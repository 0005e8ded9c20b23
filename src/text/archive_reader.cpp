#include "archive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "nmfkit/core/error.hpp"

namespace nmfkit::text::detail {

namespace {

constexpr std::array<std::string_view, 5> kArchiveExtensions = {".tar", ".tar.gz", ".tgz",
                                                                ".tar.bz2", ".tar.xz"};
constexpr std::size_t kReadBlock = std::size_t{1} << 16;

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return text;
}

// The matching extension's length, or 0.
std::size_t archive_extension_length(const std::string& path) {
  const std::string lower = lower_case(path);
  for (const auto extension : kArchiveExtensions) {
    if (lower.size() > extension.size() && std::string_view(lower).ends_with(extension)) {
      return extension.size();
    }
  }
  return 0;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string libarchive_message(archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unknown libarchive error";
}

std::string quoted(const std::string& name) {
  return "'" + name + "'";
}

}  // namespace

bool is_archive_name(const std::string& path) {
  return archive_extension_length(path) > 0;
}

std::string archive_stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.substr(0, name.size() - archive_extension_length(name));
}

void visit_archive(const std::string& path, const std::function<bool(const std::string&)>& wanted,
                   const std::function<void(ArchiveEntry&&)>& sink) {
  // libarchive reports a missing or unreadable file as a format problem; say it plainly.
  if (!std::ifstream(path, std::ios::binary)) {
    throw IoError("cannot open archive '" + path + "': " + std::strerror(errno));
  }
  std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
  if (!reader) throw IoError("cannot read archive '" + path + "': out of memory");
  archive* a = reader.get();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, path.c_str(), kReadBlock) != ARCHIVE_OK) {
    throw FormatError(path, "start", "not a readable tar archive: " + libarchive_message(a));
  }

  std::string last_name;
  std::array<char, kReadBlock> block;
  while (true) {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(a, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      const std::string where = last_name.empty() ? "start" : "after member " + quoted(last_name);
      throw FormatError(path, where, "corrupt or truncated archive: " + libarchive_message(a));
    }
    const char* raw_name = archive_entry_pathname(entry);
    if (raw_name == nullptr) raw_name = archive_entry_pathname_utf8(entry);
    if (raw_name == nullptr) {
      throw FormatError(path, "after member " + quoted(last_name), "a member without a name");
    }
    last_name = raw_name;
    if (archive_entry_filetype(entry) != AE_IFREG) continue;

    ArchiveEntry member{last_name, {}, {}};
    const char* link_target = archive_entry_hardlink(entry);
    if (link_target != nullptr && archive_entry_size(entry) == 0) {
      member.link_target = link_target;
    } else if (wanted(member.path)) {
      if (archive_entry_size_is_set(entry)) {
        member.contents.reserve(static_cast<std::size_t>(archive_entry_size(entry)));
      }
      while (true) {
        const la_ssize_t got = archive_read_data(a, block.data(), block.size());
        if (got == 0) break;
        if (got < 0) {
          throw FormatError(path, "member " + quoted(last_name),
                            "corrupt or truncated archive: " + libarchive_message(a));
        }
        member.contents.append(block.data(), static_cast<std::size_t>(got));
      }
    } else if (archive_read_data_skip(a) < ARCHIVE_WARN) {
      throw FormatError(path, "member " + quoted(last_name),
                        "corrupt or truncated archive: " + libarchive_message(a));
    }
    sink(std::move(member));
  }
}

std::vector<ArchiveMember> read_archive(const std::string& path) {
  std::vector<ArchiveMember> members;
  std::unordered_map<std::string, std::size_t> member_index;
  visit_archive(
      path, [](const std::string&) { return true; },
      [&](ArchiveEntry&& entry) {
        ArchiveMember member{std::move(entry.path), std::move(entry.contents)};
        if (!entry.link_target.empty()) {
          const auto target = member_index.find(entry.link_target);
          if (target != member_index.end()) member.contents = members[target->second].contents;
        }
        member_index[member.path] = members.size();
        members.push_back(std::move(member));
      });
  return members;
}

}  // namespace nmfkit::text::detail
