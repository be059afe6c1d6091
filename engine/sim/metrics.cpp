#include "sim/metrics.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <limits>

#include "life/life.h"

namespace courtyard {

namespace {

enum MetricId : int {
  kConditionIndex = 0,
  kDisorder,
  kViolations,
  kCollectionRate,
  kFundBalance,
  kTrustMean,
  kSatisfactionMean,
  kTiesMean,
  kOwnerShare,
  kRenterShare,
  kVacancyShare,
  kMoveOuts,
  kMoveIns,
  kOpenDemands,
  kFirstFacility  // facility_<name> follow, one per facility
};

std::vector<MetricDef> make_metrics() {
  std::vector<MetricDef> m = {
      {"condition_index", "1", "facility condition, repair-cost-weighted mean (1 = as new)", Aggregate::kRatio},
      {"disorder", "1", "visible disorder: litter, occupied common space (0 = orderly)", Aggregate::kRatio},
      {"violations", "count", "norm violations since the previous record", Aggregate::kSum},
      {"collection_rate", "1", "share of occupied flats that paid the last monthly property fee", Aggregate::kRatio},
      {"fund_balance", "yuan", "courtyard fund balance", Aggregate::kSum},
      {"trust_mean", "1", "mean trust of resident households in the courtyard's organisation", Aggregate::kRatio},
      {"satisfaction_mean", "1", "mean satisfaction of resident households", Aggregate::kRatio},
      {"ties_mean", "1", "mean neighbour ties of resident households", Aggregate::kRatio},
      {"owner_share", "1", "share of flats occupied by their owners", Aggregate::kRatio},
      {"renter_share", "1", "share of flats occupied by renters", Aggregate::kRatio},
      {"vacancy_share", "1", "share of flats standing empty", Aggregate::kRatio},
      {"move_outs", "count", "households that moved out since the previous record", Aggregate::kSum},
      {"move_ins", "count", "households that moved in since the previous record", Aggregate::kSum},
      {"open_demands", "count", "residents' demands raised and not yet addressed", Aggregate::kSum},
  };
  for (int f = 0; f < kFacilityCount; ++f)
    m.push_back({std::string("facility_") + kFacilityNames[f], "1",
                 std::string("condition of the ") + kFacilityNames[f] + " (1 = as new)", Aggregate::kRatio});
  return m;
}

}  // namespace

const std::vector<MetricDef>& all_metrics() {
  static const std::vector<MetricDef> metrics = make_metrics();
  return metrics;
}

int find_metric(const std::string& name) {
  const auto& all = all_metrics();
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].name == name) return static_cast<int>(i);
  return -1;
}

void metric_terms(int metric, const Model& m, const State& s, int32_t c, double* num, double* den) {
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const double flats = static_cast<double>(h1 - h0);
  // household tallies, only for the metrics that need them
  auto count_tenure = [&](Tenure t) {
    int64_t n = 0;
    for (int64_t h = h0; h < h1; ++h) n += s.tenure[h] == t;
    return static_cast<double>(n);
  };
  auto resident_sum = [&](const std::vector<float>& field) {
    double sum = 0;
    int64_t n = 0;
    for (int64_t h = h0; h < h1; ++h)
      if (occupied(s, h)) {
        sum += field[h];
        ++n;
      }
    *num = sum;
    *den = static_cast<double>(n);
  };
  *den = 1;
  switch (metric) {
    case kConditionIndex: *num = condition_index(s, c) * flats; *den = flats; return;
    case kDisorder: *num = s.disorder[c] * flats; *den = flats; return;
    case kViolations: *num = s.violations[c]; return;
    case kCollectionRate: {
      const double residents = flats - count_tenure(Tenure::kVacant);
      *num = s.collection_rate[c] * residents;
      *den = residents;
      return;
    }
    case kFundBalance: *num = s.fund[c]; return;
    case kTrustMean: resident_sum(s.trust); return;
    case kSatisfactionMean: resident_sum(s.satisfaction); return;
    case kTiesMean: resident_sum(s.ties); return;
    case kOwnerShare: *num = count_tenure(Tenure::kOwner); *den = flats; return;
    case kRenterShare: *num = count_tenure(Tenure::kRenter); *den = flats; return;
    case kVacancyShare: *num = count_tenure(Tenure::kVacant); *den = flats; return;
    case kMoveOuts: *num = s.move_outs[c]; return;
    case kMoveIns: *num = s.move_ins[c]; return;
    case kOpenDemands: *num = s.open_demands[c]; return;
    default: break;
  }
  const int f = metric - kFirstFacility;
  *num = s.condition[c * kFacilityCount + f] * flats;
  *den = flats;
}

double metric_value(int metric, const Model& m, const State& s, int32_t c) {
  double num = 0, den = 1;
  metric_terms(metric, m, s, c, &num, &den);
  if (all_metrics()[metric].aggregate == Aggregate::kSum) return num;
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

MetricRecorder::MetricRecorder(const Model& m) : model_(m) {
  const auto& all = all_metrics();
  if (m.output.metrics.empty()) {
    for (int i = 0; i < kFirstFacility; ++i) ids_.push_back(i);
  } else {
    for (const auto& name : m.output.metrics) ids_.push_back(find_metric(name));
  }
  if (m.output.per_facility)
    for (int i = kFirstFacility; i < static_cast<int>(all.size()); ++i) ids_.push_back(i);
  num_.assign(ids_.size() * m.courtyards.size(), 0);
  den_.assign(ids_.size() * m.courtyards.size(), 0);
}

std::vector<MetricColumn> MetricRecorder::columns() const {
  std::vector<MetricColumn> cols;
  for (int id : ids_) {
    const auto& d = all_metrics()[id];
    cols.push_back({d.name, d.units, d.long_name});
  }
  return cols;
}

void MetricRecorder::compute(const State& s, std::span<float> courtyard_values,
                             std::span<double> subdistrict_values) {
  const int32_t nc = model_.ncourtyard();
  const size_t nm = ids_.size();
  tbb::parallel_for(tbb::blocked_range<int32_t>(0, nc, 64), [&](const tbb::blocked_range<int32_t>& range) {
    for (int32_t c = range.begin(); c < range.end(); ++c)
      for (size_t k = 0; k < nm; ++k) {
        const size_t i = k * nc + c;
        metric_terms(ids_[k], model_, s, c, &num_[i], &den_[i]);
        const bool sum = all_metrics()[ids_[k]].aggregate == Aggregate::kSum;
        const double v = sum ? num_[i] : (den_[i] > 0 ? num_[i] / den_[i] : std::numeric_limits<double>::quiet_NaN());
        courtyard_values[i] = static_cast<float>(v);
      }
  });
  // subdistrict: plain sums in courtyard order, never through thread-local partial sums
  for (size_t k = 0; k < nm; ++k) {
    double num = 0, den = 0;
    for (int32_t c = 0; c < nc; ++c) {
      num += num_[k * nc + c];
      den += den_[k * nc + c];
    }
    const bool sum = all_metrics()[ids_[k]].aggregate == Aggregate::kSum;
    subdistrict_values[k] = sum ? num : (den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN());
  }
}

}  // namespace courtyard
