#pragma once
// Internal to the corpus readers: the regular files of a tar archive (plain, gzip, bzip2
// or xz), read in memory with libarchive.

#include <string>
#include <vector>

namespace nmfkit::text::detail {

// True for the names read_archive takes: .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz (any case).
bool is_archive_name(const std::string& path);

// The name without its archive extension ("data/news.tar.gz" → "news").
std::string archive_stem(const std::string& path);

struct ArchiveMember {
  std::string path;  // as stored in the archive
  std::string contents;
};

// Every regular file in archive order; hard links get their target's contents, other
// entries (folders, symbolic links, devices) are left out. Throws IoError when the file
// cannot be opened and FormatError, naming the archive and the member when known, when
// it is corrupt or truncated.
std::vector<ArchiveMember> read_archive(const std::string& path);

}  // namespace nmfkit::text::detail
