// `nmfkit vectorize CORPUS --out DIR`: a corpus as a document × term matrix, with its
// vocabulary and the names (and labels) of its documents.

#include <cstdio>

#include "command.hpp"
#include "corpus_matrix.hpp"
#include "nmfkit/io/atomic_file.hpp"
#include "nmfkit/io/matrix_file.hpp"
#include "nmfkit/io/result_folder.hpp"
#include "nmfkit/io/text_file.hpp"

namespace nmfkit::cli {

namespace {

struct VectorizeArgs {
  std::string corpus;
  std::string out;
  CorpusFlags corpus_flags;
  VectorizerFlags vectorizer_flags;
};

void run(const VectorizeArgs& args) {
  const CorpusMatrix data =
      read_and_vectorize(args.corpus, args.corpus_flags, args.vectorizer_flags);
  io::ResultFolder staged(args.out, "vectorize");
  io::write_matrix(staged.file("X.mtx").string(), data.X);
  io::write_lines(staged.file("vocabulary.txt").string(), data.vectorizer.vocabulary());
  io::write_text_file(staged.file("documents.tsv").string(), documents_table(data.corpus));
  staged.commit();
  std::fputs(data.report.c_str(), stdout);
  std::printf("wrote %s: X.mtx, vocabulary.txt (%zu terms), documents.tsv\n", args.out.c_str(),
              data.vectorizer.vocabulary().size());
}

}  // namespace

void add_vectorize_command(CLI::App& app) {
  auto args = std::make_shared<VectorizeArgs>();
  auto* command = app.add_subcommand(
      "vectorize",
      "Turn a corpus into a document × term matrix (counts or tf-idf, as scikit-learn)");
  command
      ->add_option("CORPUS", args->corpus,
                   "a folder or .tar.gz with one folder per label (20 newsgroups layout), a .txt "
                   "(one document per line) or a .tsv (label column + text)")
      ->required();
  command->add_option("--out", args->out, "directory for X.mtx, vocabulary.txt, documents.tsv")
      ->required();
  args->corpus_flags.add_to(*command);
  args->vectorizer_flags.add_to(*command);
  command->callback([args] { run(*args); });
}

}  // namespace nmfkit::cli
