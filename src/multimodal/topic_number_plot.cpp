#include <algorithm>

#include "nmfkit/multimodal/topic_number.hpp"
#include "nmfkit/report/line_plot.hpp"

namespace nmfkit::multimodal {

std::string held_out_likelihood_plot_svg(const std::vector<int>& ks,
                                         const std::vector<double>& mean_ll, int best_k) {
  report::PlotSeries mean{"mean held-out log-likelihood", {}, {}, true, ""};
  for (std::size_t i = 0; i < ks.size() && i < mean_ll.size(); ++i) {
    mean.x.push_back(ks[i]);
    mean.y.push_back(mean_ll[i]);
  }
  std::vector<report::PlotSeries> series{mean};
  if (!mean.y.empty()) {
    const auto [low, high] = std::minmax_element(mean.y.begin(), mean.y.end());
    series.push_back({"chosen k = " + std::to_string(best_k),
                      {double(best_k), double(best_k)},
                      {*low, *high},
                      false,
                      "#d62728"});
  }
  report::LinePlotOptions options;
  options.title = "Held-out log-likelihood by number of topics";
  options.x_label = "topics";
  options.y_label = "log-likelihood";
  return report::line_plot_svg(series, options);
}

}  // namespace nmfkit::multimodal
