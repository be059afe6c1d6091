// What a finished calibration reports: the posterior's summaries per parameter, and the posterior
// predictive of each target (runs at particles drawn from the posterior by weight, each with a new seed).
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "calibrate/internal.h"

namespace courtyard::calibrate {

namespace fs = std::filesystem;

namespace {

struct Moments {
  double mean = 0, sd = 0, q05 = 0, q25 = 0, q50 = 0, q75 = 0, q95 = 0;
};

Moments moments(const std::vector<double>& x, const std::vector<double>& w) {
  Moments m;
  double total = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    total += w[i];
    m.mean += w[i] * x[i];
  }
  m.mean /= total;
  double var = 0;
  for (size_t i = 0; i < x.size(); ++i) var += w[i] * (x[i] - m.mean) * (x[i] - m.mean);
  m.sd = std::sqrt(var / total);
  m.q05 = weighted_quantile(x, w, 0.05);
  m.q25 = weighted_quantile(x, w, 0.25);
  m.q50 = weighted_quantile(x, w, 0.50);
  m.q75 = weighted_quantile(x, w, 0.75);
  m.q95 = weighted_quantile(x, w, 0.95);
  return m;
}

std::string row(const Moments& m) {
  return number_text(m.mean) + "," + number_text(m.sd) + "," + number_text(m.q05) + "," + number_text(m.q25) + "," +
         number_text(m.q50) + "," + number_text(m.q75) + "," + number_text(m.q95);
}

}  // namespace

std::string write_posterior_summary(const Setup& s, const Population& p, const std::string& dir) {
  std::string csv = "parameter,path,prior_min,prior_max,mean,sd,q05,q25,q50,q75,q95\n";
  std::string text = "posterior (" + std::to_string(p.size()) + " particles, weighted):\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-36s %10s %10s %10s %10s %10s   %s\n", "parameter", "mean", "sd", "q05", "q50", "q95", "prior");
  text += line;
  for (size_t k = 0; k < s.parameters.size(); ++k) {
    std::vector<double> x;
    for (const auto& t : p.theta) x.push_back(t[k]);
    const Moments m = moments(x, p.weight);
    const Parameter& par = s.parameters[k];
    csv += par.name + "," + par.path + "," + number_text(par.min) + "," + number_text(par.max) + "," + row(m) + "\n";
    std::snprintf(line, sizeof line, "  %-36s %10.4g %10.4g %10.4g %10.4g %10.4g   U(%g, %g)\n", par.name.c_str(), m.mean, m.sd,
                  m.q05, m.q50, m.q95, par.min, par.max);
    text += line;
  }
  write_atomically((fs::path(dir) / "posterior_summary.csv").string(), csv);
  return text;
}

std::string write_predictive(const Setup& s, const Population& p, const Batch& batch, const std::vector<size_t>& picked,
                             const std::vector<RunResult>& results, const std::string& dir) {
  (void)p;
  std::string csv = csv_header(s, "sample,particle,seed,status,distance", true, true);
  for (size_t i = 0; i < results.size(); ++i) {
    csv += std::to_string(i) + "," + std::to_string(picked[i]) + "," + std::to_string(batch.seeds[i]) + "," +
           (results[i].ok ? "ok" : "failed") + "," + number_text(distance(s, results[i].values));
    for (double v : batch.theta[i]) csv += "," + number_text(v);
    for (double v : results[i].values) csv += "," + number_text(v);
    csv += "\n";
  }
  write_atomically((fs::path(dir) / "predictive.csv").string(), csv);

  std::string sum = "target,metric,where,when,week,observed,tolerance,runs,mean,sd,q05,q25,q50,q75,q95,within_tolerance\n";
  std::string text = "\nposterior predictive (" + std::to_string(results.size()) + " runs at posterior draws, new seeds):\n";
  char line[768];
  std::snprintf(line, sizeof line, "  %-28s %-24s %-10s %9s %9s %9s %9s %9s  %s\n", "target", "where", "when", "observed", "mean", "q05",
                "q50", "q95", "within tolerance");
  text += line;
  for (size_t k = 0; k < s.targets.size(); ++k) {
    const Target& t = s.targets[k];
    std::vector<double> x, w;
    size_t within = 0;
    for (const RunResult& r : results)
      if (r.ok && std::isfinite(r.values[k])) {
        x.push_back(r.values[k]);
        w.push_back(1.0);
        if (std::fabs(r.values[k] - t.observed) <= t.tolerance) ++within;
      }
    Moments m;
    if (!x.empty()) m = moments(x, w);
    else m.mean = m.sd = m.q05 = m.q25 = m.q50 = m.q75 = m.q95 = std::nan("");
    const double share = results.empty() ? std::nan("") : static_cast<double>(within) / static_cast<double>(results.size());
    sum += t.name + "," + t.metric + "," + t.where_text + "," + t.when_text + "," + std::to_string(t.step) + "," +
           number_text(t.observed) + "," + number_text(t.tolerance) + "," + std::to_string(x.size()) + "," + row(m) + "," +
           number_text(share) + "\n";
    std::snprintf(line, sizeof line, "  %-28s %-24s %-10s %9.4g %9.4g %9.4g %9.4g %9.4g  %.0f%%\n", t.name.c_str(), t.where_text.c_str(),
                  t.when_text.c_str(), t.observed, m.mean, m.q05, m.q50, m.q95, 100.0 * share);
    text += line;
  }
  write_atomically((fs::path(dir) / "predictive_summary.csv").string(), sum);
  return text;
}

}  // namespace courtyard::calibrate
