#pragma once
// The input checks of input_checks.hpp on a summary of X rather than X: for X spread over
// processes, whose summaries are combined (dist/row_slice.hpp).

#include "nmfkit/core/matrix_summary.hpp"

namespace nmfkit {

// check_nmf_input on summarize(X) (its rows and cols set): the same messages.
void check_nmf_summary(const MatrixSummary& summary, double beta);

}  // namespace nmfkit
