// Corpus reading against scikit-learn's fetch_20newsgroups and its strip_newsgroup_*
// functions (references from tests/oracles/sklearn_corpus.py), and bad input.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/text/corpus.hpp"
#include "reference_data.hpp"
#include "sha256.hpp"

namespace nmfkit::text {
namespace {

using testing::expect_error;
using testing::from_hex;
using testing::strings;
using testing::TempDir;
using testing::write_file;

Subset parse_subset(const std::string& name) {
  if (name == "train") return Subset::Train;
  if (name == "test") return Subset::Test;
  return Subset::All;
}

// The CorpusOptions of one of the oracle's settings.
CorpusOptions options_of(const nlohmann::json& setting) {
  CorpusOptions o;
  o.subset = parse_subset(setting.at("subset").get<std::string>());
  if (!setting.at("categories").is_null()) o.categories = strings(setting.at("categories"));
  for (const auto& step : setting.at("remove")) {
    const std::string name = step.get<std::string>();
    o.remove_headers |= name == "headers";
    o.remove_footers |= name == "footers";
    o.remove_quotes |= name == "quotes";
  }
  return o;
}

void expect_same_layout(const Corpus& corpus, const nlohmann::json& expected) {
  EXPECT_EQ(corpus.label_names, strings(expected.at("label_names")));
  EXPECT_EQ(corpus.names, strings(expected.at("names")));
  EXPECT_EQ(corpus.labels, expected.at("labels").get<std::vector<int>>());
  EXPECT_EQ(corpus.documents.size(), corpus.names.size());
}

// ------------------------------------------------------------------ strip_newsgroup_*

TEST(CorpusStrip, MatchesScikitLearnOnTrickyTexts) {
  const auto cases = testing::load_reference_json("corpus/strip_cases.json");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    const std::string text = c.at("text").get<std::string>();
    SCOPED_TRACE(::testing::PrintToString(text));
    EXPECT_EQ(strip_newsgroup_header(text), c.at("header").get<std::string>());
    EXPECT_EQ(strip_newsgroup_footer(text), c.at("footer").get<std::string>());
    EXPECT_EQ(strip_newsgroup_quoting(text), c.at("quoting").get<std::string>());
  }
}

// -------------------------------------------------------------------------- decoding

// Each byte string is one file of a flat folder, read with each encoding.
TEST(CorpusDecoding, MatchesPythonForEveryEncoding) {
  const auto cases = testing::load_reference_json("corpus/decoding_cases.json");
  ASSERT_GT(cases.size(), 20u);
  TempDir dir;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "case%03zu", i);
    write_file(dir.file(name), from_hex(cases[i].at("bytes_hex").get<std::string>()));
  }
  const std::pair<Encoding, const char*> encodings[] = {
      {Encoding::Utf8, "utf8"}, {Encoding::Latin1, "latin1"}, {Encoding::Auto, "auto"}};
  for (const auto& [encoding, key] : encodings) {
    SCOPED_TRACE(key);
    CorpusOptions o;
    o.encoding = encoding;
    const Corpus corpus = read_corpus(dir.path().string(), o);
    ASSERT_EQ(corpus.documents.size(), cases.size());
    EXPECT_TRUE(corpus.labels.empty());
    EXPECT_TRUE(corpus.label_names.empty());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(corpus.documents[i], cases[i].at(key).get<std::string>())
          << "bytes " << cases[i].at("bytes_hex").get<std::string>();
    }
  }
}

// ------------------------------------------------------------ the mini newsgroups

TEST(CorpusMiniNews, ArchiveAndFolderMatchFetch20newsgroupsForEverySetting) {
  const auto settings = testing::load_reference_json("corpus/mini_news.json");
  ASSERT_EQ(settings.size(), 11u);
  const std::string archive = testing::reference_path("corpus/mini_news.tar.gz");
  const std::string folder = testing::reference_path("corpus/mini_news");
  for (const auto& setting : settings) {
    SCOPED_TRACE(setting.at("id").get<std::string>());
    const CorpusOptions o = options_of(setting);
    for (const std::string& path : {archive, folder}) {
      SCOPED_TRACE(path);
      const Corpus corpus = read_corpus(path, o);
      expect_same_layout(corpus, setting);
      EXPECT_EQ(corpus.documents, strings(setting.at("texts")));
    }
  }
}

TEST(CorpusMiniNews, UnshuffledOrderIsByLabelPartAndName) {
  const auto settings = testing::load_reference_json("corpus/mini_news.json");
  ASSERT_FALSE(settings.empty());
  const std::string archive = testing::reference_path("corpus/mini_news.tar.gz");
  for (const auto& setting : settings) {
    SCOPED_TRACE(setting.at("id").get<std::string>());
    CorpusOptions o = options_of(setting);
    const Corpus shuffled = read_corpus(archive, o);
    o.sklearn_order = false;
    const Corpus sorted = read_corpus(archive, o);
    EXPECT_EQ(sorted.label_names, shuffled.label_names);
    // The same documents, with the same labels and texts, only ordered differently.
    std::vector<std::size_t> where(sorted.names.size());
    for (std::size_t i = 0; i < sorted.names.size(); ++i) {
      const auto it = std::find(shuffled.names.begin(), shuffled.names.end(), sorted.names[i]);
      ASSERT_NE(it, shuffled.names.end());
      const auto j = static_cast<std::size_t>(it - shuffled.names.begin());
      EXPECT_EQ(sorted.labels[i], shuffled.labels[j]);
      EXPECT_EQ(sorted.documents[i], shuffled.documents[j]);
    }
    ASSERT_EQ(sorted.names.size(), shuffled.names.size());
    // Label first, then train before test, then the file name as a string.
    for (std::size_t i = 1; i < sorted.names.size(); ++i) {
      const auto part = [&](std::size_t k) {
        return sorted.names[k].find("-test/") != std::string::npos;
      };
      const auto file = [&](std::size_t k) {
        return sorted.names[k].substr(sorted.names[k].rfind('/') + 1);
      };
      const auto key = [&](std::size_t k) {
        return std::tuple(sorted.labels[k], part(k), file(k));
      };
      EXPECT_LT(key(i - 1), key(i)) << sorted.names[i - 1] << " then " << sorted.names[i];
    }
  }
}

// A plain tree with one folder per label, outside the newsgroups layout: sorted by label
// and name, Auto decoding per document.
TEST(CorpusTree, OneFolderPerLabel) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "b");
  std::filesystem::create_directories(dir.path() / "a");
  std::filesystem::create_directories(dir.path() / ".hidden");
  write_file(dir.file("b/2"), "caf\xc3\xa9");  // valid UTF-8
  write_file(dir.file("b/10"), "caf\xe9");     // Latin-1
  write_file(dir.file("a/x"), "x");
  write_file(dir.file(".hidden/y"), "y");
  write_file(dir.file("loose.txt"), "beside the label folders");
  const Corpus corpus = read_corpus(dir.path().string());
  EXPECT_EQ(corpus.label_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(corpus.names, (std::vector<std::string>{"a/x", "b/10", "b/2"}));
  EXPECT_EQ(corpus.labels, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(corpus.documents, (std::vector<std::string>{"x", "caf\xc3\xa9", "caf\xc3\xa9"}));

  CorpusOptions only_b;
  only_b.categories = {"b"};
  const Corpus b = read_corpus(dir.path().string(), only_b);
  EXPECT_EQ(b.label_names, (std::vector<std::string>{"b"}));
  EXPECT_EQ(b.labels, (std::vector<int>{0, 0}));
}

// The subject line and the body of a post, the two modalities of the same documents.
TEST(CorpusPostPart, SubjectAndBodyOfNewsgroupPosts) {
  const std::string reply =
      "From: someone@example.org\nSubject: Re: RE:  Engine  noise\nLines: 2\n\nThe engine "
      "is loud.\nSubject: not a header\n";
  EXPECT_EQ(newsgroup_subject(reply), "Engine  noise");
  EXPECT_EQ(newsgroup_subject("subject:Orbits\n\nbody"), "Orbits");
  EXPECT_EQ(newsgroup_subject("From: x\n\nSubject: only in the body"), "");
  EXPECT_EQ(newsgroup_subject("Subject: no body at all"), "no body at all");

  TempDir dir;
  std::filesystem::create_directories(dir.path() / "autos");
  write_file(dir.file("autos/1"), reply);
  CorpusOptions subject;
  subject.part = PostPart::Subject;
  subject.remove_headers = true;  // has nothing to remove from a part
  EXPECT_EQ(read_corpus(dir.path().string(), subject).documents,
            (std::vector<std::string>{"Engine  noise"}));
  CorpusOptions body;
  body.part = PostPart::Body;
  EXPECT_EQ(read_corpus(dir.path().string(), body).documents,
            (std::vector<std::string>{"The engine is loud.\nSubject: not a header\n"}));
}

// ------------------------------------------------------------------- line corpora

TEST(CorpusLines, TextFileHasOneDocumentPerLine) {
  TempDir dir;
  write_file(dir.file("docs.txt"),
             "\xef\xbb\xbf"
             "first line\r\nsecond\tline\n\nfourth \xe9\n");
  const Corpus corpus = read_corpus(dir.file("docs.txt"));
  EXPECT_EQ(corpus.documents,
            (std::vector<std::string>{"first line", "second\tline", "", "fourth \xef\xbf\xbd"}));
  EXPECT_EQ(corpus.names, (std::vector<std::string>{"line 1", "line 2", "line 3", "line 4"}));
  EXPECT_TRUE(corpus.labels.empty());

  // Without a byte order mark Auto decides line by line; with one, every line is UTF-8.
  write_file(dir.file("plain.txt"), "caf\xc3\xa9\ncaf\xe9\n");
  EXPECT_EQ(read_corpus(dir.file("plain.txt")).documents,
            (std::vector<std::string>{"caf\xc3\xa9", "caf\xc3\xa9"}));
  write_file(dir.file("marked.txt"),
             "\xef\xbb\xbf"
             "caf\xc3\xa9\ncaf\xe9\n");
  EXPECT_EQ(read_corpus(dir.file("marked.txt")).documents,
            (std::vector<std::string>{"caf\xc3\xa9", "caf\xef\xbf\xbd"}));
}

TEST(CorpusLines, TsvTakesTheLabelFromTheChosenColumn) {
  TempDir dir;
  write_file(dir.file("docs.tsv"), "sport\tgoal scored\nnews\tvote\tcounted\r\nsport\tmatch\n");
  const Corpus first = read_corpus(dir.file("docs.tsv"));
  EXPECT_EQ(first.label_names, (std::vector<std::string>{"news", "sport"}));
  EXPECT_EQ(first.labels, (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(first.documents, (std::vector<std::string>{"goal scored", "vote\tcounted", "match"}));

  CorpusOptions second_column;
  second_column.label_column = 1;
  const Corpus second = read_corpus(dir.file("docs.tsv"), second_column);
  EXPECT_EQ(second.label_names, (std::vector<std::string>{"goal scored", "match", "vote"}));
  EXPECT_EQ(second.labels, (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(second.documents, (std::vector<std::string>{"sport", "news\tcounted", "sport"}));

  CorpusOptions unlabelled;
  unlabelled.label_column = -1;
  const Corpus whole = read_corpus(dir.file("docs.tsv"), unlabelled);
  EXPECT_TRUE(whole.labels.empty());
  EXPECT_EQ(whole.documents[1], "news\tvote\tcounted");

  CorpusOptions only_sport;
  only_sport.categories = {"sport"};
  const Corpus sport = read_corpus(dir.file("docs.tsv"), only_sport);
  EXPECT_EQ(sport.documents, (std::vector<std::string>{"goal scored", "match"}));
  EXPECT_EQ(sport.names, (std::vector<std::string>{"line 1", "line 3"}));
  EXPECT_EQ(sport.labels, (std::vector<int>{0, 0}));
}

// --------------------------------------------------------------------- bad input

TEST(CorpusErrors, EmptyCorporaAreRejected) {
  TempDir dir;
  write_file(dir.file("empty.txt"), "");
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("empty.txt")); },
                                {"empty.txt", "empty"});
  write_file(dir.file("bom.tsv"), "\xef\xbb\xbf");
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("bom.tsv")); }, {"bom.tsv", "empty"});
  std::filesystem::create_directories(dir.path() / "folder");
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("folder")); },
                                {"folder", "no documents"});
  // A newsgroups layout whose test part holds no group folder, only a stray file.
  std::filesystem::create_directories(dir.path() / "news/x-train/g");
  std::filesystem::create_directories(dir.path() / "news/x-test");
  write_file(dir.file("news/x-train/g/1"), "a post");
  write_file(dir.file("news/x-test/README"), "not a post");
  CorpusOptions test;
  test.subset = Subset::Test;
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("news"), test); },
                                {"no documents", "test part"});
  EXPECT_EQ(read_corpus(dir.file("news")).documents.size(), 1u);
}

TEST(CorpusErrors, UnknownCategoryIsNamed) {
  const std::string archive = testing::reference_path("corpus/mini_news.tar.gz");
  CorpusOptions o;
  o.categories = {"sci.space", "sci.spaec"};
  expect_error<InvalidArgument>([&] { read_corpus(archive, o); },
                                {"'sci.spaec'", "sci.space", "comp.graphics"});
  TempDir dir;
  write_file(dir.file("docs.txt"), "one\ntwo\n");
  o.categories = {"x"};
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("docs.txt"), o); }, {"no labels"});
}

TEST(CorpusErrors, CorruptArchivesAreFormatErrors) {
  const std::string archive = testing::reference_path("corpus/mini_news.tar.gz");
  const std::string bytes = testing::read_file(archive);
  ASSERT_GT(bytes.size(), 1000u);
  TempDir dir;
  write_file(dir.file("truncated.tar.gz"), bytes.substr(0, bytes.size() / 2));
  expect_error<FormatError>([&] { read_corpus(dir.file("truncated.tar.gz")); },
                            {"truncated.tar.gz"});
  write_file(dir.file("garbage.tgz"), "this is not an archive at all, only some text\n");
  expect_error<FormatError>([&] { read_corpus(dir.file("garbage.tgz")); }, {"garbage.tgz"});
  std::string flipped = bytes;
  for (std::size_t i = 100; i < 200; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  write_file(dir.file("flipped.tar.gz"), flipped);
  expect_error<FormatError>([&] { read_corpus(dir.file("flipped.tar.gz")); }, {"flipped.tar.gz"});
}

TEST(CorpusErrors, UnreadablePathsAreIoErrors) {
  TempDir dir;
  expect_error<IoError>([&] { read_corpus(dir.file("missing.txt")); }, {"missing.txt"});
  expect_error<IoError>([&] { read_corpus(dir.file("missing.tar.gz")); }, {"missing.tar.gz"});
  expect_error<IoError>([&] { read_corpus(dir.file("no/such/folder")); }, {"no/such/folder"});
  write_file(dir.file("matrix.npy"), "x");
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("matrix.npy")); },
                                {"matrix.npy", ".tsv"});
}

TEST(CorpusErrors, MalformedTsvLinesNameTheLine) {
  TempDir dir;
  write_file(dir.file("short.tsv"), "a\tfine\nno label column here\nb\tfine\n");
  expect_error<FormatError>([&] { read_corpus(dir.file("short.tsv")); },
                            {"short.tsv", "2", "tab-separated"});
  write_file(dir.file("empty_label.tsv"), "a\tfine\n\tno label\n");
  expect_error<FormatError>([&] { read_corpus(dir.file("empty_label.tsv")); },
                            {"empty_label.tsv", "2", "empty label"});
  CorpusOptions third;
  third.label_column = 2;
  write_file(dir.file("two.tsv"), "a\tb\tc\nd\te\n");
  expect_error<FormatError>([&] { read_corpus(dir.file("two.tsv"), third); },
                            {"two.tsv", "2", "3"});
  CorpusOptions bad;
  bad.label_column = -2;
  expect_error<InvalidArgument>([&] { read_corpus(dir.file("two.tsv"), bad); }, {"label_column"});
}

TEST(CorpusErrors, UndecodableBytesNeverThrow) {
  std::string noise;
  std::uint32_t state = 12345;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1664525u + 1013904223u;
    noise.push_back(static_cast<char>(state >> 24));
  }
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "flat");
  write_file(dir.file("noise.txt"), noise);
  write_file(dir.file("flat/noise"), noise);
  for (const Encoding encoding : {Encoding::Auto, Encoding::Utf8, Encoding::Latin1}) {
    CorpusOptions o;
    o.encoding = encoding;
    o.remove_headers = o.remove_footers = o.remove_quotes = true;
    for (const std::string& path : {dir.file("noise.txt"), dir.file("flat")}) {
      Corpus corpus;
      EXPECT_NO_THROW(corpus = read_corpus(path, o)) << path;
      EXPECT_FALSE(corpus.documents.empty());
    }
  }
}

// ---------------------------------------------------------- the real 20 newsgroups

class CorpusNews : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = testing::load_reference_json("corpus/news.json");
    if (!manifest_.value("available", false)) {
      GTEST_SKIP() << "no 20 newsgroups references: "
                   << manifest_.value("note", std::string("no references"));
    }
    archive_ = manifest_.at("archive").get<std::string>();
  }

  // Reads the archive with the setting's options and compares everything.
  void check_setting(const std::string& id, std::size_t expected_documents = 0) {
    SCOPED_TRACE(id);
    const auto expected = testing::load_reference_json("corpus/news/" + id + ".json");
    ASSERT_FALSE(expected.empty());
    const Corpus corpus = read_corpus(archive_, options_of(expected));
    if (expected_documents != 0) {
      EXPECT_EQ(corpus.documents.size(), expected_documents);
    }
    expect_same_layout(corpus, expected);
    const auto hashes = strings(expected.at("sha256"));
    const auto lengths = expected.at("lengths").get<std::vector<std::size_t>>();
    ASSERT_EQ(corpus.documents.size(), hashes.size());
    std::size_t different = 0;
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      const bool same = corpus.documents[i].size() == lengths[i] &&
                        testing::sha256_hex(corpus.documents[i]) == hashes[i];
      if (!same && ++different <= 5) ADD_FAILURE() << "document " << i << " differs";
    }
    EXPECT_EQ(different, 0u);
    for (const auto& [index, text] : expected.at("samples").items()) {
      EXPECT_EQ(corpus.documents.at(std::stoul(index)), text.get<std::string>());
    }
  }

  nlohmann::json manifest_;
  std::string archive_;
};

TEST_F(CorpusNews, NotebookTrainSubsetWithoutHeadersFootersQuotes) {
  // The four groups of the topic-modelling notebook: fetch_20newsgroups gives 2034 posts.
  check_setting(
      "train-alt.atheism+comp.graphics+sci.space+talk.religion.misc-headers+footers+quotes", 2034);
}

TEST_F(CorpusNews, NotebookCategoriesEachRemovalAlone) {
  for (const char* step : {"none", "headers", "footers", "quotes"}) {
    check_setting(
        std::string("train-alt.atheism+comp.graphics+sci.space+talk.religion.misc-") + step, 2034);
  }
}

TEST_F(CorpusNews, NotebookCategoriesAllSubsetAllRemovals) {
  check_setting(
      "all-alt.atheism+comp.graphics+sci.space+talk.religion.misc-headers+footers+quotes");
}

TEST_F(CorpusNews, EverySubsetOfAllTwentyGroups) {
  check_setting("train-all-none", 11314);
  check_setting("test-all-none", 7532);
  check_setting("all-all-none", 18846);
}

TEST_F(CorpusNews, AllGroupsWithoutHeadersFootersQuotes) {
  check_setting("all-all-headers+footers+quotes", 18846);
}

TEST_F(CorpusNews, TestSubsetWithCategoriesOutOfOrder) {
  check_setting("test-alt.atheism+sci.space-headers+footers");
}

}  // namespace
}  // namespace nmfkit::text
