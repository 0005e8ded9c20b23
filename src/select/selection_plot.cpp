#include "nmfkit/select/selection_plot.hpp"

#include <algorithm>
#include <cmath>

#include "nmfkit/report/line_plot.hpp"

namespace nmfkit::select {

namespace {

// A vertical marker at the chosen k over [low, high].
report::PlotSeries marker(const std::string& label, Index k, double low, double high,
                          const std::string& color) {
  report::PlotSeries s;
  s.label = label;
  s.x = {static_cast<double>(k), static_cast<double>(k)};
  s.y = {low, high};
  s.show_points = false;
  s.color = color;
  return s;
}

}  // namespace

// Up to three plots stacked in one SVG document: errors (log scale), the stability
// silhouettes, and the consensus measures.
std::string selection_plot_svg(const Selection& selection) {
  std::vector<report::PlotSeries> errors, silhouettes, consensus;
  report::PlotSeries test{"held-out MSE (cv)", {}, {}, true, ""};
  report::PlotSeries train{"training MSE (cv)", {}, {}, true, ""};
  report::PlotSeries relative{"relative reconstruction error", {}, {}, true, ""};
  report::PlotSeries refit{"relative error of the cnmf refit", {}, {}, true, ""};
  report::PlotSeries lowest{"smallest cluster silhouette", {}, {}, true, ""};
  report::PlotSeries mean{"mean silhouette", {}, {}, true, ""};
  report::PlotSeries cophenetic{"cophenetic correlation (consensus)", {}, {}, true, ""};
  report::PlotSeries dispersion{"dispersion (consensus)", {}, {}, true, ""};
  report::PlotSeries spectra{"spectra silhouette (cnmf)", {}, {}, true, ""};
  double low = INFINITY, high = -INFINITY;
  const auto add = [](report::PlotSeries& series, double k, double y) {
    series.x.push_back(k);
    series.y.push_back(y);
  };
  for (const auto& s : selection.scores) {
    const double k = static_cast<double>(s.k);
    if (!std::isnan(s.test_error)) {
      add(test, k, s.test_error);
      add(train, k, s.train_error);
      low = std::min({low, s.test_error, s.train_error});
      high = std::max({high, s.test_error, s.train_error});
    }
    add(relative, k, s.reconstruction_error);
    if (s.reconstruction_error > 0) {
      low = std::min(low, s.reconstruction_error);
      high = std::max(high, s.reconstruction_error);
    }
    if (!std::isnan(s.min_silhouette)) {
      add(lowest, k, s.min_silhouette);
      add(mean, k, s.mean_silhouette);
    }
    if (!std::isnan(s.cophenetic)) {
      add(cophenetic, k, s.cophenetic);
      add(dispersion, k, s.dispersion);
      add(spectra, k, s.cnmf_silhouette);
      add(refit, k, s.cnmf_error);
      if (s.cnmf_error > 0) {
        low = std::min(low, s.cnmf_error);
        high = std::max(high, s.cnmf_error);
      }
    }
  }
  if (!test.x.empty()) {
    errors.push_back(test);
    errors.push_back(train);
  }
  errors.push_back(relative);
  if (!refit.x.empty()) errors.push_back(refit);
  if (selection.cv_k && std::isfinite(low) && low > 0) {
    errors.push_back(marker("chosen by cv", *selection.cv_k, low, high, "#777777"));
  }
  std::vector<std::string> panels;
  report::LinePlotOptions top;
  top.title = "select-k: errors per k";
  top.x_label = "k";
  top.y_label = "error";
  top.log_y = true;
  top.width = 720;
  panels.push_back(report::line_plot_svg(errors, top));
  if (!lowest.x.empty()) {
    silhouettes.push_back(lowest);
    silhouettes.push_back(mean);
    if (selection.stability_k) {
      silhouettes.push_back(
          marker("chosen by stability", *selection.stability_k, -1, 1, "#777777"));
    }
    report::LinePlotOptions middle;
    middle.title = "select-k: stability (silhouettes of the matched components)";
    middle.x_label = "k";
    middle.y_label = "silhouette";
    middle.width = 720;
    panels.push_back(report::line_plot_svg(silhouettes, middle));
  }
  if (!cophenetic.x.empty()) {
    consensus.push_back(cophenetic);
    consensus.push_back(dispersion);
    consensus.push_back(spectra);
    if (selection.consensus_k) {
      consensus.push_back(marker("chosen by consensus", *selection.consensus_k, 0, 1, "#777777"));
    }
    if (selection.cnmf_k) {
      consensus.push_back(marker("chosen by cnmf", *selection.cnmf_k, 0, 1, "#bbbbbb"));
    }
    report::LinePlotOptions bottom;
    bottom.title = "select-k: consensus over random starts";
    bottom.x_label = "k";
    bottom.y_label = "coefficient";
    bottom.width = 720;
    panels.push_back(report::line_plot_svg(consensus, bottom));
  }
  // One document: each panel's own <svg> element, shifted down by the ones above.
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string height = std::to_string(400 * panels.size());
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"720\" height=\"" +
         height + "\" viewBox=\"0 0 720 " + height + "\">\n";
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const auto at = panels[i].find("<svg");
    const std::string svg = at == std::string::npos ? panels[i] : panels[i].substr(at);
    out += i == 0 ? svg
                  : "<g transform=\"translate(0," + std::to_string(400 * i) + ")\">\n" + svg +
                        "</g>\n";
  }
  return out + "</svg>\n";
}

}  // namespace nmfkit::select
