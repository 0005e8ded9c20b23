// The pieces of the consensus methods on their own: consensus matrix, average-linkage
// tree, cophenetic correlation and dispersion (against SciPy's values), k-means and the
// silhouette (against scikit-learn's), and cNMF's combination of replicate spectra.

#include <gtest/gtest.h>

#include <cmath>

#include "nmfkit/core/error.hpp"
#include "nmfkit/core/random.hpp"
#include "nmfkit/select/cnmf.hpp"
#include "nmfkit/select/consensus_clustering.hpp"
#include "nmfkit/select/kmeans.hpp"
#include "test_helpers.hpp"

namespace nmfkit::select {
namespace {

TEST(ConsensusClustering, IdenticalRestartsGiveAZeroOneMatrix) {
  const std::vector<Index> labels = {0, 0, 1, 2, 1, 2};
  const Eigen::MatrixXd C = consensus_matrix({labels, labels, labels});
  for (Index i = 0; i < 6; ++i) {
    for (Index j = 0; j < 6; ++j) EXPECT_EQ(C(i, j), labels[i] == labels[j] ? 1.0 : 0.0);
  }
  EXPECT_DOUBLE_EQ(cophenetic_correlation(C), 1.0);
  EXPECT_DOUBLE_EQ(dispersion(C), 1.0);
  // relabelled restarts are the same partition
  const Eigen::MatrixXd same = consensus_matrix({labels, {2, 2, 0, 1, 0, 1}});
  EXPECT_EQ((same - C).norm(), 0.0);
}

TEST(ConsensusClustering, DisagreeingRestartsLowerBothMeasures) {
  const Eigen::MatrixXd C = consensus_matrix({{0, 0, 1, 1}, {0, 0, 0, 1}});
  EXPECT_DOUBLE_EQ(C(0, 2), 0.5);
  EXPECT_DOUBLE_EQ(C(2, 3), 0.5);
  EXPECT_LT(dispersion(C), 1.0);
  // SciPy: cophenet(average(squareform(1 − C)), squareform(1 − C)) = 0.87447463...
  const Eigen::MatrixXd ref =
      (Eigen::MatrixXd(4, 4) << 1, 1, .5, 0, 1, 1, .5, 0, .5, .5, 1, .5, 0, 0, .5, 1).finished();
  EXPECT_NEAR(cophenetic_correlation(ref), 0.8744746321952063, 1e-12);
}

TEST(ConsensusClustering, AverageLinkageMatchesScipy) {
  const Eigen::MatrixXd D = (Eigen::MatrixXd(4, 4) << 0, .2, .5, .9, .2, 0, .4, .8, .5, .4, 0, .3,
                             .9, .8, .3, 0)
                                .finished();
  const Eigen::MatrixXd tree = average_linkage_cophenetic(D);
  EXPECT_DOUBLE_EQ(tree(0, 1), 0.2);
  EXPECT_DOUBLE_EQ(tree(2, 3), 0.3);
  EXPECT_DOUBLE_EQ(tree(0, 3), 0.65);
  EXPECT_DOUBLE_EQ(tree(1, 2), 0.65);
}

TEST(ConsensusClustering, ArgmaxAndSample) {
  const Eigen::MatrixXd W = (Eigen::MatrixXd(3, 2) << 1, 2, 3, 1, 0, 0).finished();
  EXPECT_EQ(argmax_per_row(W), (std::vector<Index>{1, 0, 0}));
  EXPECT_EQ(consensus_sample(4, 10, 1), (std::vector<Index>{0, 1, 2, 3}));
  const std::vector<Index> some = consensus_sample(100, 10, 1);
  ASSERT_EQ(some.size(), 10u);
  EXPECT_TRUE(std::is_sorted(some.begin(), some.end()));
  EXPECT_EQ(some, consensus_sample(100, 10, 1));
  EXPECT_NE(some, consensus_sample(100, 10, 2));
}

TEST(KMeans, FindsSeparatedClustersAndScoresThemAsScikitLearn) {
  const Eigen::MatrixXd P =
      (Eigen::MatrixXd(7, 2) << 0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5, 9, 0).finished();
  const std::vector<Index> labels = {0, 0, 0, 1, 1, 1, 1};
  // scikit-learn: silhouette_score(P, labels) = 0.6521658188160142
  EXPECT_NEAR(silhouette_score(P, labels, 2), 0.6521658188160142, 1e-12);
  const KMeansResult three = kmeans(P, 3, 5, 1);
  EXPECT_EQ(three.labels[0], three.labels[1]);
  EXPECT_EQ(three.labels[0], three.labels[2]);
  EXPECT_EQ(three.labels[3], three.labels[4]);
  EXPECT_EQ(three.labels[3], three.labels[5]);
  EXPECT_NE(three.labels[6], three.labels[0]);
  EXPECT_NE(three.labels[6], three.labels[3]);
  EXPECT_NEAR(three.inertia, 4 * (2.0 / 3.0), 1e-12);  // two triangles of unit legs
  testing::expect_invalid([&] { kmeans(P, 8, 1, 1); }, "k must be in [1, 7]");
}

TEST(CnmfConsensus, MediansOfRecurringSpectraAndOutliersDropped) {
  // 6 replicates of k = 2 spectra over 5 features: the same two spectra, permuted and
  // rescaled, with a little noise; replicate 5's second spectrum is an outlier.
  const Eigen::RowVectorXd a = (Eigen::RowVectorXd(5) << 4, 3, 0, 0, 1).finished();
  const Eigen::RowVectorXd b = (Eigen::RowVectorXd(5) << 0, 1, 5, 2, 0).finished();
  Eigen::MatrixXd spectra(12, 5);
  RandomState rng(3);
  for (Index p = 0; p < 6; ++p) {
    const double scale = 1 + p;
    Eigen::RowVectorXd noise(5);
    for (Index f = 0; f < 5; ++f) noise[f] = 0.01 * rng.random_sample();
    spectra.row(2 * p + (p % 2)) = scale * a + noise;
    spectra.row(2 * p + 1 - (p % 2)) = scale * b + noise;
  }
  spectra.row(11) << 0, 0, 0, 0, 1;
  SpectraConsensusOptions options;
  const SpectraConsensus kept_all = combine_spectra(spectra, 2, options);
  EXPECT_EQ(kept_all.kept, 12);
  options.density_threshold = 0.5;
  const SpectraConsensus filtered = combine_spectra(spectra, 2, options);
  EXPECT_EQ(filtered.kept, 11);
  EXPECT_EQ(filtered.labels[11], -1);
  EXPECT_GT(filtered.local_density[11], 0.5);
  EXPECT_GT(filtered.silhouette, 0.9);
  EXPECT_GT(filtered.silhouette, kept_all.silhouette);
  // the medians, scaled to sum 1, are a and b scaled to sum 1
  const Eigen::RowVectorXd ua = a / a.sum(), ub = b / b.sum();
  const Index ia = filtered.spectra(0, 0) > 0.1 ? 0 : 1;
  EXPECT_LT((filtered.spectra.row(ia) - ua).norm(), 0.01);
  EXPECT_LT((filtered.spectra.row(1 - ia) - ub).norm(), 0.01);
  options.density_threshold = 1e-12;
  testing::expect_invalid([&] { combine_spectra(spectra, 2, options); },
                          "pass the density threshold 1e-12");
  testing::expect_invalid([&] { combine_spectra(spectra.topRows(5), 2, options); },
                          "not whole replicates");
}

}  // namespace
}  // namespace nmfkit::select
