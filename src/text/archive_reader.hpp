#pragma once
// Internal to the corpus readers: the regular files of a tar archive (plain, gzip, bzip2
// or xz), read in memory or streamed with libarchive.

#include <functional>
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

// A regular file of an archive as visit_archive meets it.
struct ArchiveEntry {
  std::string path;         // as stored in the archive
  std::string link_target;  // a hard link stored without data: its target's stored path
  std::string contents;     // empty when not read (see visit_archive) or a hard link
};

// Streams the archive: calls sink with each regular file in archive order, one at a time,
// reading a file's data only when wanted(path) is true (the rest is skipped, so listing an
// archive holds no contents). Other entries are left out. Errors as read_archive's.
void visit_archive(const std::string& path, const std::function<bool(const std::string&)>& wanted,
                   const std::function<void(ArchiveEntry&&)>& sink);

// Every regular file in archive order; hard links get their target's contents, other
// entries (folders, symbolic links, devices) are left out. Throws IoError when the file
// cannot be opened and FormatError, naming the archive and the member when known, when
// it is corrupt or truncated.
std::vector<ArchiveMember> read_archive(const std::string& path);

}  // namespace nmfkit::text::detail
