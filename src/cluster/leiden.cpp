#include "nmfkit/cluster/leiden.hpp"

#include <cmath>
#include <limits>
#include <mutex>
#include <string>

#include <igraph/igraph.h>

#include "nmfkit/core/error.hpp"

namespace nmfkit::cluster {

namespace {

// Debian's igraph is built without thread-local state: one caller at a time.
std::mutex& igraph_mutex() {
  static std::mutex mutex;
  return mutex;
}

// igraph's default handler aborts the process; errors are turned into exceptions instead.
void install_handlers() {
  static const bool installed = [] {
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    return true;
  }();
  (void)installed;
}

void check(igraph_error_t code, const char* what) {
  if (code != IGRAPH_SUCCESS) {
    throw Error(std::string("igraph failed in ") + what + ": " + igraph_strerror(code));
  }
}

struct VectorInt {
  igraph_vector_int_t v;
  explicit VectorInt(igraph_integer_t size = 0) { check(igraph_vector_int_init(&v, size), "vector"); }
  ~VectorInt() { igraph_vector_int_destroy(&v); }
  VectorInt(const VectorInt&) = delete;
  VectorInt& operator=(const VectorInt&) = delete;
};

void to_igraph(const std::vector<int>& membership, igraph_vector_int_t* out) {
  check(igraph_vector_int_resize(out, static_cast<igraph_integer_t>(membership.size())), "vector");
  for (std::size_t i = 0; i < membership.size(); ++i) VECTOR(*out)[i] = membership[i];
}

std::vector<int> from_igraph(const igraph_vector_int_t& v) {
  std::vector<int> out(static_cast<std::size_t>(igraph_vector_int_size(&v)));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(VECTOR(v)[i]);
  return out;
}

}  // namespace

struct Graph::Impl {
  igraph_t graph;
  igraph_vector_t weights;
  igraph_vector_t strengths;
  double total = 0;
  Index vertices = 0;
  Index edges = 0;
};

Graph::Graph(const SparseMatrix<double>& symmetric) : impl_(std::make_unique<Impl>()) {
  if (symmetric.rows() != symmetric.cols()) throw InvalidArgument("a graph needs a square affinity matrix");
  std::lock_guard lock(igraph_mutex());
  install_handlers();
  const Index n = symmetric.rows();
  VectorInt endpoints;
  std::vector<double> w;
  for (Index i = 0; i < symmetric.outerSize(); ++i) {
    for (SparseMatrix<double>::InnerIterator it(symmetric, i); it; ++it) {
      if (it.col() <= i || it.value() <= 0) continue;
      check(igraph_vector_int_push_back(&endpoints.v, i), "edges");
      check(igraph_vector_int_push_back(&endpoints.v, it.col()), "edges");
      w.push_back(it.value());
    }
  }
  check(igraph_create(&impl_->graph, &endpoints.v, n, IGRAPH_UNDIRECTED), "igraph_create");
  if (igraph_vector_init(&impl_->weights, static_cast<igraph_integer_t>(w.size())) != IGRAPH_SUCCESS) {
    igraph_destroy(&impl_->graph);
    throw Error("igraph could not allocate the edge weights");
  }
  for (std::size_t e = 0; e < w.size(); ++e) {
    VECTOR(impl_->weights)[e] = w[e];
    impl_->total += w[e];
  }
  if (igraph_vector_init(&impl_->strengths, 0) != IGRAPH_SUCCESS ||
      igraph_strength(&impl_->graph, &impl_->strengths, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS,
                      &impl_->weights) != IGRAPH_SUCCESS) {
    igraph_vector_destroy(&impl_->weights);
    igraph_destroy(&impl_->graph);
    throw Error("igraph could not compute the vertex strengths");
  }
  impl_->vertices = n;
  impl_->edges = static_cast<Index>(w.size());
}

Graph::~Graph() {
  std::lock_guard lock(igraph_mutex());
  igraph_vector_destroy(&impl_->strengths);
  igraph_vector_destroy(&impl_->weights);
  igraph_destroy(&impl_->graph);
}

Index Graph::vertices() const { return impl_->vertices; }
Index Graph::edges() const { return impl_->edges; }
double Graph::total_weight() const { return impl_->total; }

void LeidenOptions::validate() const {
  if (!(resolution > 0) || !std::isfinite(resolution)) {
    throw InvalidArgument("resolution " + std::to_string(resolution) + " must be a finite number > 0");
  }
  if (!(beta > 0) || !std::isfinite(beta)) {
    throw InvalidArgument("beta " + std::to_string(beta) + " must be a finite number > 0");
  }
  if (max_rounds < 1) throw InvalidArgument("max rounds " + std::to_string(max_rounds) + " must be at least 1");
}

LeidenResult leiden(const Graph& graph, const LeidenOptions& options) {
  options.validate();
  const Graph::Impl& g = graph.impl();
  LeidenResult result;
  if (g.edges == 0) {  // nothing to join: every vertex alone
    result.membership.resize(static_cast<std::size_t>(g.vertices));
    for (std::size_t i = 0; i < result.membership.size(); ++i) result.membership[i] = static_cast<int>(i);
    result.clusters = static_cast<int>(g.vertices);
    result.quality = std::numeric_limits<double>::quiet_NaN();
    result.converged = true;
    return result;
  }
  std::lock_guard lock(igraph_mutex());
  install_handlers();
  check(igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(options.seed)), "igraph_rng_seed");
  VectorInt membership;
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  const double resolution = options.resolution / (2 * g.total);
  std::vector<int> previous;
  for (int round = 0; round < options.max_rounds; ++round) {
    check(igraph_community_leiden(&g.graph, &g.weights, &g.strengths, resolution, options.beta,
                                  round > 0, 1, &membership.v, &clusters, &quality),
          "igraph_community_leiden");
    result.rounds = round + 1;
    std::vector<int> current = from_igraph(membership.v);
    if (round > 0 && current == previous) {
      result.converged = true;
      break;
    }
    previous = std::move(current);
  }
  result.membership = from_igraph(membership.v);
  result.clusters = static_cast<int>(clusters);
  result.quality = quality;
  return result;
}

double modularity(const Graph& graph, const std::vector<int>& membership, double resolution) {
  const Graph::Impl& g = graph.impl();
  if (static_cast<Index>(membership.size()) != g.vertices) {
    throw InvalidArgument("membership has " + std::to_string(membership.size()) +
                          " entries for a graph of " + std::to_string(g.vertices) + " vertices");
  }
  for (const int c : membership) {
    if (c < 0) throw InvalidArgument("membership holds the negative cluster " + std::to_string(c));
  }
  if (g.edges == 0) return std::numeric_limits<double>::quiet_NaN();
  std::lock_guard lock(igraph_mutex());
  install_handlers();
  VectorInt memb;
  to_igraph(membership, &memb.v);
  igraph_real_t q = 0;
  check(igraph_modularity(&g.graph, &memb.v, &g.weights, resolution, IGRAPH_UNDIRECTED, &q),
        "igraph_modularity");
  return q;
}

}  // namespace nmfkit::cluster
