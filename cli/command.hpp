#pragma once
// Each subcommand lives in its own file and registers itself on the main app.
// Commands report failure by throwing: main() turns any exception into one line
// on stderr and a non-zero exit, and commands write nothing before they succeed.

#include <CLI/CLI.hpp>

namespace nmfkit::cli {

void add_fit_command(CLI::App& app);
void add_transform_command(CLI::App& app);
void add_update_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_svd_command(CLI::App& app);
void add_vectorize_command(CLI::App& app);
void add_topics_command(CLI::App& app);
void add_cluster_command(CLI::App& app);
void add_select_k_command(CLI::App& app);
void add_consensus_command(CLI::App& app);
void add_impute_command(CLI::App& app);
void add_identifiability_command(CLI::App& app);
void add_multimodal_command(CLI::App& app);
void add_associate_command(CLI::App& app);
void add_tensor_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_multimodal_transform_command(CLI::App& multimodal_group);
void add_multimodal_select_k_command(CLI::App& multimodal_group);
void add_multimodal_filter_command(CLI::App& multimodal_group);

}  // namespace nmfkit::cli
