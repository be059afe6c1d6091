// The metric table: what is recorded for each courtyard (and aggregated over the subdistrict).
//
// Each metric is a ratio num/den per courtyard; the subdistrict value is sum(num)/sum(den) over all
// courtyards (kRatio: a household-weighted mean) or sum(num) (kSum: counts and money). Adding a metric
// is one row in kMetrics (metrics.cpp) and one case in courtyard_terms().
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/state.h"
#include "output/run_file.h"

namespace courtyard {

enum class Aggregate : uint8_t { kRatio, kSum };

struct MetricDef {
  std::string name;
  std::string units;
  std::string long_name;
  Aggregate aggregate;
};

// Every metric the engine knows, in output order; per-facility metrics (facility_<name>) last.
const std::vector<MetricDef>& all_metrics();
// Index into all_metrics(), or -1.
int find_metric(const std::string& name);

// num/den of one metric for one courtyard.
void metric_terms(int metric, const Model& m, const State& s, int32_t c, double* num, double* den);
double metric_value(int metric, const Model& m, const State& s, int32_t c);

// The metrics a run records (model.output.metrics, or all of them), with scratch sized at load.
class MetricRecorder {
 public:
  explicit MetricRecorder(const Model& m);
  std::vector<MetricColumn> columns() const;
  size_t size() const { return ids_.size(); }
  // Computes every selected metric for every courtyard (in parallel over courtyards) and the
  // subdistrict aggregates (summed in courtyard order). courtyard_values: (nmetric x ncourtyard).
  void compute(const State& s, std::span<float> courtyard_values, std::span<double> subdistrict_values);

 private:
  const Model& model_;
  std::vector<int> ids_;
  std::vector<double> num_, den_;  // (nmetric x ncourtyard)
};

}  // namespace courtyard
