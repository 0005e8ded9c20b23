#pragma once
// Flags for reading a corpus and turning it into a document × term matrix, shared by
// `vectorize` and `topics`.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nmfkit/text/corpus.hpp"
#include "nmfkit/text/vectorizer.hpp"

namespace nmfkit::cli {

struct CorpusFlags {
  std::string subset = "train";
  std::vector<std::string> categories;
  std::vector<std::string> remove;
  std::string encoding = "auto";
  int label_column = 0;
  std::string order = "sklearn";
  std::string part = "whole";

  void add_to(CLI::App& command);
  text::CorpusOptions options() const;
};

struct VectorizerFlags {
  std::string weighting = "tfidf";
  std::string stop_words = "english";
  std::string min_df = "1";
  std::string max_df = "1.0";
  long long max_features = 0;
  bool binary = false;
  std::string norm = "l2";
  bool no_idf = false;
  bool no_smooth_idf = false;
  bool sublinear_tf = false;
  std::string dtype = "float64";

  void add_to(CLI::App& command);
  // with_dtype false: the command has its own --dtype, which sets `dtype`
  void add_to(CLI::App& command, bool with_dtype);
  text::VectorizerOptions options() const;  // reads a stop-word file if one is named
};

}  // namespace nmfkit::cli
