#pragma once
// A 2-D view of samples: the scores of their first principal components (PCA of the rows,
// centred), computed from the small columns × columns covariance, so it costs one pass
// over a samples × topics matrix however many samples there are.

#include "nmfkit/core/matrix.hpp"

namespace nmfkit::report {

// rows × 2: the scores on the first two principal axes (a column of zeros where the data
// have fewer than two directions of spread). Each axis' sign is fixed so that its largest
// loading is positive: the same data give the same picture.
DenseMatrix<double> principal_coordinates(const DenseMatrix<double>& rows);

}  // namespace nmfkit::report
