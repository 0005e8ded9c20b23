#include "nmfkit/report/principal_coordinates.hpp"

#include <Eigen/Eigenvalues>

namespace nmfkit::report {

DenseMatrix<double> principal_coordinates(const DenseMatrix<double>& rows) {
  DenseMatrix<double> scores = DenseMatrix<double>::Zero(rows.rows(), 2);
  if (rows.rows() < 2 || rows.cols() == 0) return scores;
  const Eigen::RowVectorXd mean = rows.colwise().mean();
  const DenseMatrix<double> centred = rows.rowwise() - mean;
  const Eigen::MatrixXd covariance = centred.transpose() * centred;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance);
  // Eigenvalues come in increasing order: the last columns are the leading axes.
  const Index d = covariance.cols();
  for (Index axis = 0; axis < std::min<Index>(2, d); ++axis) {
    Eigen::VectorXd direction = eigen.eigenvectors().col(d - 1 - axis);
    if (eigen.eigenvalues()(d - 1 - axis) <= 1e-12 * std::max(1.0, eigen.eigenvalues()(d - 1))) {
      continue;
    }
    Index largest = 0;
    direction.cwiseAbs().maxCoeff(&largest);
    if (direction(largest) < 0) direction = -direction;
    scores.col(axis) = centred * direction;
  }
  return scores;
}

}  // namespace nmfkit::report
