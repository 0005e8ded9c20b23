#pragma once
// A multi-modal topic model folder (`nmfkit multimodal fit --out DIR`) read back for
// transform: model.json (format "nmfkit-multimodal"), and per modality NAME/components.npy,
// NAME/lambda.npy (mtm, smtm) and NAME/idf.npy (modalities the fit tf-idf'd). model.json
// holds the model's options and the fitted preprocessing (multimodal_transform_fields).

#include <string>

#include "nmfkit/multimodal/topic_model.hpp"

namespace nmfkit::io {

struct MultimodalModel {
  multimodal::MultimodalTopics topics;         // modality names, components, λ (mtm, smtm)
  multimodal::MultimodalTopicOptions options;  // what transform_topics reads
  multimodal::FittedPreprocessing preprocessing;
};

// model.json's fields that transform needs back, as a JSON object's text: "nmf_options"
// (joint-nmf; MTM's E-step options are model.json's own fields) and "preprocessing" (its
// options and each scaled modality's factor; the idf weights go to NAME/idf.npy).
std::string multimodal_transform_fields(const multimodal::MultimodalTopicOptions& options,
                                        const multimodal::FittedPreprocessing& preprocessing);

// Throws IoError for a missing folder or file; FormatError for another format, a newer
// version, a folder written before transform was possible (no "preprocessing"), or
// matrices whose shapes do not match model.json.
MultimodalModel load_multimodal_model(const std::string& directory);

}  // namespace nmfkit::io
