#include "text_flags.hpp"

#include "nmfkit/core/error.hpp"

namespace nmfkit::cli {

void CorpusFlags::add_to(CLI::App& command) {
  command.add_option("--subset", subset, "20 newsgroups layout: which part to read")
      ->check(CLI::IsMember({"train", "test", "all"}))
      ->capture_default_str();
  command.add_option("--categories", categories, "labels (folders) to keep, comma-separated")
      ->delimiter(',');
  command
      .add_option("--remove", remove,
                  "parts of newsgroup posts to strip, as scikit-learn: headers,footers,quotes")
      ->delimiter(',')
      ->check(CLI::IsMember({"headers", "footers", "quotes"}));
  command
      .add_option("--encoding", encoding,
                  "how bytes become text: auto (Latin-1 for the newsgroups layout, else UTF-8 "
                  "with a Latin-1 fallback per document), utf8, latin1")
      ->check(CLI::IsMember({"auto", "utf8", "latin1"}))
      ->capture_default_str();
  command
      .add_option("--label-column", label_column,
                  "a .tsv corpus: the 0-based column holding the label (-1: no labels)")
      ->capture_default_str();
  command
      .add_option("--order", order,
                  "document order: sklearn (fetch_20newsgroups' shuffles) or sorted (by label, "
                  "then file name)")
      ->check(CLI::IsMember({"sklearn", "sorted"}))
      ->capture_default_str();
  command
      .add_option("--part", part,
                  "which part of each e-mail or newsgroup post is the document: whole, subject "
                  "(its Subject: line without Re:) or body (after the header block)")
      ->check(CLI::IsMember({"whole", "subject", "body"}))
      ->capture_default_str();
}

text::CorpusOptions CorpusFlags::options() const {
  text::CorpusOptions o;
  o.encoding = encoding == "utf8"     ? text::Encoding::Utf8
               : encoding == "latin1" ? text::Encoding::Latin1
                                      : text::Encoding::Auto;
  o.subset = subset == "test"  ? text::Subset::Test
             : subset == "all" ? text::Subset::All
                               : text::Subset::Train;
  o.categories = categories;
  o.sklearn_order = order == "sklearn";
  for (const auto& piece : remove) {
    o.remove_headers |= piece == "headers";
    o.remove_footers |= piece == "footers";
    o.remove_quotes |= piece == "quotes";
  }
  o.part = part == "subject" ? text::PostPart::Subject
           : part == "body"  ? text::PostPart::Body
                             : text::PostPart::Whole;
  o.label_column = label_column;
  o.validate();
  return o;
}

void VectorizerFlags::add_to(CLI::App& command) { add_to(command, true); }

void VectorizerFlags::add_to(CLI::App& command, bool with_dtype) {
  command.add_option("--weighting", weighting, "matrix entries: tfidf or count")
      ->check(CLI::IsMember({"tfidf", "count"}))
      ->capture_default_str();
  command
      .add_option("--stop-words", stop_words,
                  "english (scikit-learn's list), none, or a file with one word per line")
      ->capture_default_str();
  command
      .add_option("--min-df", min_df,
                  "drop terms in fewer documents: an integer is a count, a number with a "
                  "point a proportion (as scikit-learn)")
      ->capture_default_str();
  command.add_option("--max-df", max_df, "drop terms in more documents (count or proportion)")
      ->capture_default_str();
  command.add_option("--max-features", max_features, "keep only the most frequent terms (0: all)");
  command.add_flag("--binary", binary, "count each term at most once per document");
  command.add_option("--norm", norm, "tf-idf row normalisation: l2, l1 or none")
      ->check(CLI::IsMember({"l2", "l1", "none"}))
      ->capture_default_str();
  command.add_flag("--no-idf", no_idf, "tf-idf without the idf weights");
  command.add_flag("--no-smooth-idf", no_smooth_idf,
                   "idf = ln(n/df) + 1 instead of ln((1+n)/(1+df)) + 1");
  command.add_flag("--sublinear-tf", sublinear_tf, "tf → 1 + ln(tf)");
  if (!with_dtype) return;
  command.add_option("--dtype", dtype, "element type of the matrix")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
}

text::VectorizerOptions VectorizerFlags::options() const {
  text::VectorizerOptions o;
  o.weighting = weighting == "count" ? text::Weighting::Count : text::Weighting::Tfidf;
  o.stop_words = stop_words == "english" ? text::StopWords::english()
                 : stop_words == "none"  ? text::StopWords::none()
                                         : text::StopWords::from_file(stop_words);
  o.min_df = text::DocumentFrequency::parse(min_df);
  o.max_df = text::DocumentFrequency::parse(max_df);
  if (max_features < 0) {
    throw InvalidArgument("--max-features must be 0 (all) or positive, got " +
                          std::to_string(max_features));
  }
  if (max_features > 0) o.max_features = static_cast<Index>(max_features);
  o.binary = binary;
  o.norm = norm == "l1" ? text::Norm::L1 : norm == "none" ? text::Norm::None : text::Norm::L2;
  o.use_idf = !no_idf;
  o.smooth_idf = !no_smooth_idf;
  o.sublinear_tf = sublinear_tf;
  o.dtype = parse_dtype(dtype);
  o.validate();
  return o;
}

}  // namespace nmfkit::cli
