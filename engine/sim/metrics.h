// Computing the metrics of model/metric_table.h from the state. Adding a metric is one row in
// model/metric_table.cpp and one case in column_terms() (sim/metrics.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/metric_table.h"
#include "model/model.h"
#include "model/state.h"
#include "output/run_file.h"

namespace courtyard {

// num/den of one metric for one courtyard.
void metric_terms(int metric, const Model& m, const State& s, int32_t c, double* num, double* den);
double metric_value(int metric, const Model& m, const State& s, int32_t c);

// What a metric's courtyard values are weighted by when combined over a group of courtyards (the
// subdistrict's sum(num) / sum(den), or a courtyard kind's): the `den` of metric_terms, as far as a
// result file lets it be recovered. A courtyard whose value is NaN has den 0.
enum class MetricWeight {
  kSum,        // counts and money: summed (den 1)
  kFlats,      // flats (households slots, /courtyards/households)
  kResidents,  // occupied flats: flats - vacant (vacant = vacancy_share x flats)
  kOther,      // household-weeks at risk (the move-out rates): not in a result file
};
MetricWeight metric_weight(int metric);

// The metrics a run records (model.output.metrics, or all of them), with scratch sized at load.
class MetricRecorder {
 public:
  explicit MetricRecorder(const Model& m);
  std::vector<MetricColumn> columns() const;
  size_t size() const { return ids_.size(); }
  // Computes every selected metric for every courtyard and the subdistrict aggregates: the household
  // tallies in parallel over courtyards, then each metric's column by one thread (the metrics in
  // parallel), its subdistrict sums in courtyard order, so nothing depends on the number of threads.
  // courtyard_values: (nmetric x ncourtyard).
  void compute(const State& s, std::span<float> courtyard_values, std::span<double> subdistrict_values);

  // The first value of a record that is not finite where a number belongs, in column order, courtyards
  // before the subdistrict: infinity, or NaN other than a share with nobody to count (a ratio metric
  // whose denominator is 0 is NaN by design, "no data"). Reads the terms of the last compute(), so
  // call it with that call's values. nullopt: every value is finite or legitimately missing.
  struct NonFinite {
    size_t column = 0;      // index in columns()
    int32_t courtyard = -1;  // -1: the subdistrict aggregate
    double value = 0;
  };
  std::optional<NonFinite> first_non_finite(std::span<const float> courtyard_values,
                                            std::span<const double> subdistrict_values) const;

 private:
  // courtyards whose household tallies compute() keeps at once: the metrics are computed column by
  // column over a tile, the subdistrict sums in courtyard order; the non-finite check needs only three
  // bits of each courtyard's terms (check_)
  static constexpr int32_t kTile = 4096;
  enum Check : uint8_t { kBadTerms = 1, kNoDenominator = 2, kPositiveDenominator = 4 };

  const Model& model_;
  std::vector<int> ids_;
  std::vector<uint8_t> sum_;  // (nmetric) 1: Aggregate::kSum
  bool condition_ = false;    // a selected metric needs condition_index
  // (kTile) one tile's household tallies and condition_index
  std::vector<double> flats_, owners_, renters_, vacant_, residents_, condition_index_;
  std::vector<float> trust_, satisfaction_, ties_, belief_error_;
  std::vector<double> num_sum_, den_sum_;  // (nmetric) the subdistrict's sums of num and den
  std::vector<uint8_t> check_;             // (nmetric x ncourtyard) Check bits of the last compute()'s terms
  std::vector<int32_t> first_bad_;         // (nmetric) the first courtyard with kBadTerms, or ncourtyard
  std::vector<uint8_t> any_den_;           // (nmetric) 1: some courtyard had kPositiveDenominator
};

}  // namespace courtyard
