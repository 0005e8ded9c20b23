#pragma once
// Helpers shared by the preprocessing and the feature filters: finding a modality to
// change and keeping a subset of rows and columns of any matrix.

#include <string>
#include <vector>

#include "nmfkit/core/matrix.hpp"
#include "nmfkit/multimodal/data.hpp"

namespace nmfkit::multimodal::detail {

// The modality to modify; an unknown name throws MultiModalData::modality's message.
Modality& modality_to_change(MultiModalData& data, const std::string& name);

// The rows and columns flagged true, in their order; storage and element type kept.
AnyMatrix select(const AnyMatrix& X, const std::vector<bool>& keep_rows,
                 const std::vector<bool>& keep_cols);

}  // namespace nmfkit::multimodal::detail
