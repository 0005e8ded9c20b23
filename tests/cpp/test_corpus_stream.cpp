// Out-of-core corpora: CorpusStream hands over the documents read_corpus reads, the
// streamed vectoriser gives fit_transform's vocabulary and rows bit for bit, and CsrSpill
// gives back the rows written to it.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "io_test_support.hpp"
#include "nmfkit/core/error.hpp"
#include "nmfkit/io/csr_spill.hpp"
#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/corpus_stream.hpp"
#include "nmfkit/text/streamed_vectorizer.hpp"
#include "reference_data.hpp"

namespace nmfkit::text {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_file;

// The documents of a stream, put in their order.
Corpus streamed(const std::string& path, const CorpusOptions& options) {
  const CorpusStream stream(path, options);
  Corpus corpus;
  corpus.documents.resize(static_cast<std::size_t>(stream.size()));
  std::vector<int> visits(corpus.documents.size(), 0);
  stream.for_each([&](Index d, std::string&& text) {
    ++visits[static_cast<std::size_t>(d)];
    corpus.documents[static_cast<std::size_t>(d)] = std::move(text);
  });
  EXPECT_EQ(visits, std::vector<int>(visits.size(), 1));  // every document exactly once
  corpus.names = stream.names();
  corpus.labels = stream.labels();
  corpus.label_names = stream.label_names();
  return corpus;
}

void expect_same_corpus(const Corpus& a, const Corpus& b) {
  EXPECT_EQ(a.documents, b.documents);
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.label_names, b.label_names);
}

// A ustar member: typeflag '0' a file, '1' a hard link to `link`.
std::string tar_member(const std::string& name, const std::string& contents, char type = '0',
                       const std::string& link = "") {
  std::string header(512, '\0');
  const auto put = [&](std::size_t at, const std::string& text) { header.replace(at, text.size(), text); };
  const auto octal = [](std::size_t value, int width) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%0*zo", width - 1, value);
    return std::string(buffer);
  };
  put(0, name);
  put(100, octal(0644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(type == '0' ? contents.size() : 0, 12));
  put(136, octal(1000000000, 12));
  put(148, "        ");
  header[156] = type;
  put(157, link);
  put(257, std::string("ustar\0" "00", 8));
  unsigned sum = 0;
  for (const char c : header) sum += static_cast<unsigned char>(c);
  put(148, octal(sum, 7) + std::string(1, '\0'));
  std::string data = type == '0' ? contents : "";
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return header + data;
}

TEST(CorpusStream, HandsOverWhatReadCorpusReadsForEveryMiniNewsSetting) {
  const auto settings = testing::load_reference_json("corpus/mini_news.json");
  ASSERT_FALSE(settings.empty());
  for (const char* name : {"corpus/mini_news.tar.gz", "corpus/mini_news"}) {
    const std::string path = testing::reference_path(name);
    for (const auto& setting : settings) {
      SCOPED_TRACE(std::string(name) + " " + setting.at("id").get<std::string>());
      CorpusOptions o;
      const std::string subset = setting.at("subset").get<std::string>();
      o.subset = subset == "train" ? Subset::Train : subset == "test" ? Subset::Test : Subset::All;
      if (!setting.at("categories").is_null()) o.categories = testing::strings(setting.at("categories"));
      for (const auto& step : setting.at("remove")) {
        o.remove_headers |= step == "headers";
        o.remove_footers |= step == "footers";
        o.remove_quotes |= step == "quotes";
      }
      expect_same_corpus(streamed(path, o), read_corpus(path, o));
      o.sklearn_order = false;
      expect_same_corpus(streamed(path, o), read_corpus(path, o));
    }
  }
}

// Members stored twice (the last one counts), a hard link stored without data (its
// target's contents as they were when it was stored), hidden members and a wrapper folder.
TEST(CorpusStream, ArchiveMemberRulesAreReadCorpus) {
  TempDir dir;
  const std::string archive = dir.file("docs.tar");
  write_file(archive, tar_member("docs/a/1", "alpha beta") +
                          tar_member("docs/a/2", "", '1', "docs/a/1") +
                          tar_member("docs/a/1", "alpha again") +
                          tar_member("docs/b/.hidden", "never") +
                          tar_member("./docs/b/3", "gamma caf\xe9") +
                          tar_member("docs/b/4", "", '1', "docs/b/later") +
                          tar_member("docs/b/later", "after its link") + std::string(1024, '\0'));
  const Corpus whole = read_corpus(archive);
  ASSERT_FALSE(whole.documents.empty());
  expect_same_corpus(streamed(archive, {}), whole);
}

TEST(CorpusStream, BadCorporaFailAsReadCorpusFails) {
  const std::string bytes = testing::read_file(testing::reference_path("corpus/mini_news.tar.gz"));
  ASSERT_GT(bytes.size(), 1000u);
  TempDir dir;
  write_file(dir.file("truncated.tar.gz"), bytes.substr(0, bytes.size() / 2));
  expect_error<FormatError>([&] { streamed(dir.file("truncated.tar.gz"), {}); },
                            {"truncated.tar.gz"});
  write_file(dir.file("garbage.tgz"), "not an archive\n");
  expect_error<FormatError>([&] { CorpusStream(dir.file("garbage.tgz")); }, {"garbage.tgz"});
  std::filesystem::create_directories(dir.path() / "empty");
  expect_error<InvalidArgument>([&] { CorpusStream(dir.file("empty")); }, {"no documents"});
  expect_error<IoError>([&] { CorpusStream(dir.file("missing.tar.gz")); }, {"missing.tar.gz"});
  write_file(dir.file("docs.txt"), "one\ntwo\n");
  expect_error<InvalidArgument>([&] { CorpusStream(dir.file("docs.txt")); },
                                {"docs.txt", "folder", "archive"});
}

template <class T>
void expect_rows_of_fit_transform(const std::vector<std::string>& documents,
                                  const VectorizerOptions& options) {
  Vectorizer in_memory(options);
  const AnyMatrix X = in_memory.fit_transform(documents);
  const auto& expected = std::get<SparseMatrix<T>>(X.storage());
  VocabularyCounter counter(options);
  for (auto it = documents.rbegin(); it != documents.rend(); ++it) counter.add(*it);  // any order
  const Vectorizer learned = counter.vectorizer();
  EXPECT_EQ(learned.vocabulary(), in_memory.vocabulary());
  EXPECT_EQ(learned.dropped_terms(), in_memory.dropped_terms());
  ASSERT_EQ(learned.idf().size(), in_memory.idf().size());
  EXPECT_TRUE(learned.idf() == in_memory.idf());
  io::CsrSpill<T> spill(static_cast<Index>(documents.size()),
                        static_cast<Index>(learned.vocabulary().size()));
  DocumentRows<T> rows(learned);
  std::vector<std::int64_t> columns;
  std::vector<T> values;
  for (std::size_t d = documents.size(); d-- > 0;) {  // rows written out of order
    rows.row(documents[d], columns, values);
    spill.write_row(static_cast<Index>(d), columns, values);
  }
  EXPECT_EQ(spill.non_zeros(), expected.nonZeros());
  const SparseMatrix<T> all = spill.read_rows(0, spill.rows());
  ASSERT_EQ(all.rows(), expected.rows());
  ASSERT_EQ(all.cols(), expected.cols());
  // Bitwise: the same stored entries in the same places with the same values.
  EXPECT_TRUE(std::equal(all.outerIndexPtr(), all.outerIndexPtr() + all.rows() + 1,
                         expected.outerIndexPtr()));
  EXPECT_TRUE(std::equal(all.innerIndexPtr(), all.innerIndexPtr() + all.nonZeros(),
                         expected.innerIndexPtr()));
  EXPECT_TRUE(std::equal(all.valuePtr(), all.valuePtr() + all.nonZeros(), expected.valuePtr()));
  const SparseMatrix<T> middle = spill.read_rows(2, 3);
  const SparseMatrix<T> expected_middle = expected.middleRows(2, 3);
  EXPECT_TRUE(middle.isApprox(expected_middle, T(0)));
}

TEST(StreamedVectorizer, GivesFitTransformsVocabularyAndRowsBitForBit) {
  const Corpus corpus = read_corpus(testing::reference_path("corpus/mini_news.tar.gz"));
  ASSERT_GT(corpus.documents.size(), 10u);
  VectorizerOptions tfidf;
  tfidf.stop_words = StopWords::english();
  tfidf.min_df = DocumentFrequency::count(2);
  tfidf.max_df = DocumentFrequency::fraction(0.8);
  expect_rows_of_fit_transform<double>(corpus.documents, tfidf);
  VectorizerOptions counts;
  counts.weighting = Weighting::Count;
  counts.max_features = 50;
  counts.dtype = DType::Float32;
  expect_rows_of_fit_transform<float>(corpus.documents, counts);
  VectorizerOptions sublinear;
  sublinear.sublinear_tf = true;
  sublinear.binary = true;
  sublinear.norm = Norm::L1;
  sublinear.dtype = DType::Float32;
  expect_rows_of_fit_transform<float>(corpus.documents, sublinear);
}

TEST(StreamedVectorizer, FailsAsFitTransformFails) {
  VocabularyCounter stop_words_only([] {
    VectorizerOptions o;
    o.stop_words = StopWords::english();
    return o;
  }());
  stop_words_only.add("the and of");
  expect_error<InvalidArgument>([&] { (void)stop_words_only.vectorizer(); }, {"empty vocabulary"});
  VectorizerOptions rare;
  rare.min_df = DocumentFrequency::count(3);
  VocabularyCounter pruned(rare);
  pruned.add("alpha beta");
  pruned.add("gamma delta");
  pruned.add("alpha epsilon");
  expect_error<InvalidArgument>([&] { (void)pruned.vectorizer(); }, {"no terms remain"});
  const Vectorizer unfitted;
  expect_error<InvalidArgument>([&] { DocumentRows<double> rows(unfitted); }, {"no vocabulary"});
}

}  // namespace
}  // namespace nmfkit::text
