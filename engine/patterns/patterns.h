// Pattern-oriented validation (Grimm et al. 2005, Science 310:987): each pattern the model claims is one
// named probe with a setup, a statistic measured over seeds with a 95% confidence interval, the range the
// literature supports (with its source), the kind of evidence ("reproduced", "partly input", "input":
// the statistic is set directly by a parameter), whether treatment and control share seeds (common random
// numbers), and a verdict. Failing patterns are reported, not hidden.
//
// Ranges come from the sources (shared/design/EVIDENCE.md and the papers cited in docs/ODD.md), never
// from the model's output. Seeds run in parallel (oneTBB); every seed's statistic is computed on its own
// and the seeds are combined in seed order, so the report does not depend on the number of threads.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "model/events.h"
#include "model/model.h"
#include "sim/simulation.h"

namespace courtyard::patterns {

// ---------------------------------------------------------------------------------------------------
// Confidence intervals
// ---------------------------------------------------------------------------------------------------

struct Interval {
  double mean = 0, low = 0, high = 0;
  int64_t n = 0;
};

// Student-t quantile (boost::math), e.g. student_t_quantile(0.975, 4) = 2.776.
double student_t_quantile(double p, double df);
// t-interval of the mean of independent values: mean ± t(0.975, n−1) · sd / √n. With one value the
// interval is (−inf, inf); with values all equal it is [mean, mean].
Interval t_interval(std::span<const double> xs, double level = 0.95);
// Wilson score interval for a binomial share: successes of trials.
Interval wilson_interval(int64_t successes, int64_t trials, double level = 0.95);
// Ratio of means of paired values, mean(num) / mean(den), with a delta-method t-interval:
// se² = (var(num) − 2 R cov(num, den) + R² var(den)) / (n mean(den)²).
Interval ratio_interval(std::span<const double> num, std::span<const double> den, double level = 0.95);

// ---------------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------------

// What a probe measured: the per-seed values (plotted), the statistic with its interval, and how.
struct Measurement {
  std::vector<double> values;  // per seed (or the single value of a deterministic statistic)
  Interval ci;
  std::string method;  // "t-interval over seeds", "Wilson interval (pooled households)", ...
  std::string note;    // what else the probe reports (e.g. a further statistic)
};

// Shared per-seed runs, computed once when the first probe that needs them runs.
class Context {
 public:
  explicit Context(int seeds);
  int seeds() const { return seeds_; }
  // The default parameters (a scenario with one default courtyard).
  const Params& params() const { return params_; }
  template <class T>
  const T& cached(const std::string& key, const std::function<T()>& make) {
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, std::any(make())).first;
    return std::any_cast<const T&>(it->second);
  }
  // Runs fn(seed) for seeds 1..seeds() in parallel; results in seed order.
  template <class T>
  std::vector<T> per_seed(const std::function<T(int)>& fn) const {
    std::vector<T> out(static_cast<size_t>(seeds_));
    for_seeds([&](int seed) { out[static_cast<size_t>(seed - 1)] = fn(seed); });
    return out;
  }

 private:
  void for_seeds(const std::function<void(int)>& fn) const;
  int seeds_;
  Params params_;
  std::map<std::string, std::any> cache_;
};

enum class Rule {
  kMeanInRange,  // pass when the mean lies in [range_low, range_high] (open ends as flagged)
  kCiAboveLow,   // pass when the whole interval lies above range_low
};

struct Probe {
  std::string name;       // the --only key
  std::string pattern;    // what the literature observed
  std::string setup;      // how the probe runs the model
  std::string statistic;  // what is measured per seed
  double range_low = 0, range_high = 0;
  bool low_open = false, high_open = false;  // exclusive bounds
  std::string source;     // citation of the range
  std::string kind;       // reproduced | partly input | input
  std::string paired;     // yes | no | n/a
  std::string note;       // caveats (assumptions behind the range, what sets the statistic)
  Rule rule = Rule::kMeanInRange;
  std::function<Measurement(Context&)> measure;
};

// Every probe, in report order.
const std::vector<Probe>& all_probes();
const Probe* find_probe(const std::string& name);

struct Row {
  const Probe* probe = nullptr;
  Measurement m;
  std::string verdict;  // pass | fail | error
  std::string error;    // the message when the probe could not run
  double seconds = 0;
};

// The verdict of a measurement against the probe's range and rule.
std::string verdict_of(const Probe& p, const Interval& ci);
// Runs the probes (in the given order) over seeds 1..seeds; a probe that throws is an "error" row.
std::vector<Row> run_probes(const std::vector<const Probe*>& probes, int seeds,
                            const std::function<void(const Row&)>& on_row = {});

// Report files and the table.
std::string format_table(const std::vector<Row>& rows);
void write_csv(const std::string& path, const std::vector<Row>& rows, int seeds);
// Per-seed values for the plot: name,seed,value.
void write_values_csv(const std::string& path, const std::vector<Row>& rows);
void write_markdown(const std::string& path, const std::vector<Row>& rows, int seeds, const std::string& commit,
                    const std::string& date);

// ---------------------------------------------------------------------------------------------------
// Helpers for the probes (probes_common.cpp)
// ---------------------------------------------------------------------------------------------------

// One courtyard's metric values at every record (week 0 .. steps) and the run's events.
struct Trajectory {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // [metric][week]
  std::vector<Event> events;
  const std::vector<double>& series(const std::string& name) const;
  double at(const std::string& name, int week) const { return series(name).at(static_cast<size_t>(week)); }
  // mean of the records first..last (inclusive)
  double mean(const std::string& name, int first, int last) const;
};

struct StepHooks {
  std::function<void(const Simulation&)> before, after;  // around every step
};
// Simulates a built model, recording the named metrics of courtyard c after every step (counters per
// week) and every event. Throws std::runtime_error for an unknown metric.
// A measurement whose interval is the t-interval of the per-seed values.
Measurement t_measure(std::vector<double> values, const std::string& method = "t-interval over seeds",
                      const std::string& note = "");

Trajectory simulate(const Model& m, int32_t c, const std::vector<std::string>& metrics, const StepHooks& hooks = {});
// Builds a model from scenario text with overrides (ScenarioError/UsageError propagate).
Model model_from_text(const std::string& name, const std::string& text, const std::vector<std::string>& overrides = {});
// An embedded scenario's text (jiangdong_minju_pilot, jiangdong_minju_baseline, roof_insulation_meeting).
const std::string& scenario_text(const std::string& name);
std::string seed_override(int seed);
// The Jiangdong Minju courtyard over 104 weeks, per seed (run.seed = seed): jiangdong_minju_pilot when
// `pilot`, else jiangdong_minju_baseline. Metrics: collection_rate, renter_share, owner_share,
// vacancy_share, disorder. Cached in the context (probes_case.cpp).
const std::vector<Trajectory>& jiangdong_runs(Context& ctx, bool pilot);

// Probe lists, by file.
void add_lab_probes(std::vector<Probe>& out);        // probes_lab.cpp
void add_courtyard_probes(std::vector<Probe>& out);  // probes_courtyard.cpp
void add_case_probes(std::vector<Probe>& out);       // probes_case.cpp

}  // namespace courtyard::patterns
