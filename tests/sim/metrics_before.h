// The metric recorder as it was at 23db67e (engine/sim/metrics.cpp and .h, a switch per courtyard and
// metric), copied verbatim as the oracle of metrics_columns_test: only the names changed (Before), the
// definitions made inline, and metric_weight() and columns() left out. Do not edit: it is what the
// column-wise recorder must reproduce bit for bit.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "governance/governance.h"
#include "life/life.h"
#include "model/metric_table.h"
#include "model/model.h"
#include "model/state.h"

namespace courtyard::before {

class MetricRecorderBefore {
 public:
  explicit MetricRecorderBefore(const Model& m);
  size_t size() const { return ids_.size(); }
  // Computes every selected metric for every courtyard (in parallel over courtyards) and the
  // subdistrict aggregates (each summed in courtyard order by one thread, the metrics in parallel, so
  // the sums do not depend on the number of threads). courtyard_values: (nmetric x ncourtyard).
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
  // courtyards whose num/den compute() keeps at once: the subdistrict sums need every courtyard's
  // terms in courtyard order, the non-finite check only three bits of each (check_)
  static constexpr int32_t kTile = 1024;
  enum Check : uint8_t { kBadTerms = 1, kNoDenominator = 2, kPositiveDenominator = 4 };

  const Model& model_;
  std::vector<int> ids_;
  std::vector<double> num_, den_;  // (nmetric x kTile) the terms of one tile of courtyards
  std::vector<uint8_t> check_;     // (nmetric x ncourtyard) Check bits of the last compute()'s terms
};


namespace {

// What the household metrics need, counted in one pass over a courtyard's flats.
struct Tally {
  double flats = 0, owners = 0, renters = 0, vacant = 0;
  double trust = 0, satisfaction = 0, ties = 0;  // sums over resident households
  double belief_error = 0;                       // sum of |belief - collection rate| over residents
};

Tally tally(const Model& m, const State& s, int32_t c) {
  Tally t;
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  t.flats = static_cast<double>(h1 - h0);
  // branch-free: integer counts and float sums per courtyard, widened once at the end
  int32_t owners = 0, renters = 0;
  float trust = 0, satisfaction = 0, ties = 0, belief_error = 0;
  const float rate = s.collection_rate[c];
  for (int64_t h = h0; h < h1; ++h) {
    const Tenure tenure = s.tenure[h];
    owners += tenure == Tenure::kOwner;
    renters += tenure == Tenure::kRenter;
    const float resident = tenure != Tenure::kVacant ? 1.f : 0.f;
    trust += resident * s.trust[h];
    satisfaction += resident * s.satisfaction[h];
    ties += resident * s.ties[h];
    belief_error += resident * std::fabs(s.belief[h] - rate);
  }
  t.owners = owners;
  t.renters = renters;
  t.vacant = t.flats - owners - renters;
  t.trust = trust;
  t.satisfaction = satisfaction;
  t.ties = ties;
  t.belief_error = belief_error;
  return t;
}

void terms(int metric, const State& s, int32_t c, const Tally& t, double* num, double* den) {
  const double residents = t.flats - t.vacant;
  *den = 1;
  switch (metric) {
    case kConditionIndex: *num = condition_index(s, c) * t.flats; *den = t.flats; return;
    case kDisorder: *num = s.disorder[c] * t.flats; *den = t.flats; return;
    case kViolations: *num = s.violations[c]; return;
    case kCollectionRate: *num = s.collection_rate[c] * residents; *den = residents; return;
    case kFundBalance: *num = s.fund[c]; return;
    case kTrustMean: *num = t.trust; *den = residents; return;
    case kSatisfactionMean: *num = t.satisfaction; *den = residents; return;
    case kTiesMean: *num = t.ties; *den = residents; return;
    case kOwnerShare: *num = t.owners; *den = t.flats; return;
    case kRenterShare: *num = t.renters; *den = t.flats; return;
    case kVacancyShare: *num = t.vacant; *den = t.flats; return;
    case kMoveOuts: *num = s.move_outs[c]; return;
    case kMoveIns: *num = s.move_ins[c]; return;
    case kOpenDemands: *num = s.open_demands[c]; return;
    case kMeetings: *num = s.meetings[c]; return;
    case kAttendanceRate: {
      // household-weighted over the courtyards that have met; NaN where none has
      const bool met = !std::isnan(s.last_attendance[c]);
      *num = met ? s.last_attendance[c] * residents : 0;
      *den = met ? residents : 0;
      return;
    }
    case kLevyPaidShare: {
      const bool levied = !std::isnan(s.last_levy_share[c]);
      *num = levied ? s.last_levy_share[c] * t.flats : 0;
      *den = levied ? t.flats : 0;
      return;
    }
    case kSelfFinancing: *num = s.self_financing[c] * t.flats; *den = t.flats; return;
    case kFiveHaves: *num = five_haves(s, c) * t.flats; *den = t.flats; return;
    case kStarRating: {
      const double rate = residents > 0 ? s.collection_rate[c] : 0.0;
      *num = star_rating(s, c, rate, condition_index(s, c), s.disorder[c]) * t.flats;
      *den = t.flats;
      return;
    }
    case kMoveOutRateOwner:
    case kMoveOutRateRenter: {
      // weekly hazard over the interval's household-weeks at risk, annualised: 1 - (1 - h)^52
      const bool owner = metric == kMoveOutRateOwner;
      const double weeks = owner ? s.owner_weeks[c] : s.renter_weeks[c];
      const double moves = owner ? s.move_outs_owner[c] : s.move_outs_renter[c];
      *num = weeks > 0 ? (1.0 - std::pow(1.0 - moves / weeks, 52.0)) * weeks : 0;
      *den = weeks;
      return;
    }
    case kTidyNorm: *num = s.tidy_norm[c] * t.flats; *den = t.flats; return;
    case kSanctions: *num = s.sanctions[c]; return;
    case kEnforcementHours: *num = s.enforcement_hours[c]; return;
    case kMoveOutsOwner: *num = s.move_outs_owner[c]; return;
    case kMoveOutsRenter: *num = s.move_outs_renter[c]; return;
    case kStaffHours: *num = s.staff_hours[c]; return;
    case kVolunteerHours: *num = s.volunteer_hours[c]; return;
    case kSpentSubdistrict: *num = s.spent_subdistrict[c]; return;
    case kSpentCommunity: *num = s.spent_community[c]; return;
    case kSpentCourtyard: *num = s.spent_courtyard[c]; return;
    case kBeliefError: *num = t.belief_error; *den = residents; return;
    case kManaged: *num = (s.management[c] != Management::kNone) * t.flats; *den = t.flats; return;
    case kManagerTake: *num = s.manager_take_month[c]; return;
    default: break;
  }
  const int f = metric - kFirstFacility;
  *num = s.condition[c * kFacilityCount + f] * t.flats;
  *den = t.flats;
}

double ratio(int metric, double num, double den) {
  if (all_metrics()[metric].aggregate == Aggregate::kSum) return num;
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

inline void metric_terms_before(int metric, const Model& m, const State& s, int32_t c, double* num, double* den) {
  terms(metric, s, c, tally(m, s, c), num, den);
}

inline double metric_value_before(int metric, const Model& m, const State& s, int32_t c) {
  // courtyard-level metrics need no pass over the households (intervention conditions ask often)
  switch (metric) {
    case kConditionIndex: return condition_index(s, c);
    case kDisorder: return s.disorder[c];
    case kCollectionRate: return s.collection_rate[c];
    case kFundBalance: return s.fund[c];
    case kOpenDemands: return s.open_demands[c];
    case kSelfFinancing: return s.self_financing[c];
    case kFiveHaves: return five_haves(s, c);
    default: break;
  }
  double num = 0, den = 1;
  metric_terms_before(metric, m, s, c, &num, &den);
  return ratio(metric, num, den);
}

inline MetricRecorderBefore::MetricRecorderBefore(const Model& m) : model_(m) {
  const auto& all = all_metrics();
  if (m.output.metrics.empty()) {
    for (int i = 0; i < kFirstFacility; ++i) ids_.push_back(i);
  } else {
    for (const auto& name : m.output.metrics) ids_.push_back(find_metric(name));
  }
  if (m.output.per_facility)
    for (int i = kFirstFacility; i < static_cast<int>(all.size()); ++i) ids_.push_back(i);
  num_.assign(ids_.size() * kTile, 0);
  den_.assign(ids_.size() * kTile, 0);
  check_.assign(ids_.size() * m.courtyards.size(), 0);
}

inline void MetricRecorderBefore::compute(const State& s, std::span<float> courtyard_values,
                             std::span<double> subdistrict_values) {
  const int32_t nc = model_.ncourtyard();
  const size_t nm = ids_.size();
  std::vector<double> num_sum(nm, 0.0), den_sum(nm, 0.0);
  // tiles of kTile courtyards: their terms in parallel over courtyards, then added to the subdistrict's
  // sums, the metrics in parallel, each by one thread in courtyard order (never through thread-local
  // partial sums), so the sums do not depend on the number of threads; only one tile's terms are kept
  for (int32_t c0 = 0; c0 < nc; c0 += kTile) {
    const int32_t c1 = std::min(nc, c0 + kTile), width = c1 - c0;
    tbb::parallel_for(tbb::blocked_range<int32_t>(c0, c1, 64), [&](const tbb::blocked_range<int32_t>& range) {
      for (int32_t c = range.begin(); c < range.end(); ++c) {
        const Tally t = tally(model_, s, c);
        for (size_t k = 0; k < nm; ++k) {
          const size_t i = k * static_cast<size_t>(nc) + static_cast<size_t>(c);
          const size_t j = k * kTile + static_cast<size_t>(c - c0);
          double num = 0, den = 0;
          terms(ids_[k], s, c, t, &num, &den);
          num_[j] = num;
          den_[j] = den;
          courtyard_values[i] = static_cast<float>(ratio(ids_[k], num, den));
          const bool bad = !std::isfinite(num) || !std::isfinite(den);
          check_[i] = static_cast<uint8_t>((bad ? kBadTerms : 0) | (!bad && den <= 0 ? kNoDenominator : 0) |
                                           (den > 0 ? kPositiveDenominator : 0));
        }
      }
    });
    tbb::parallel_for(size_t{0}, nm, [&](size_t k) {
      double num = num_sum[k], den = den_sum[k];
      for (int32_t c = 0; c < width; ++c) {
        num += num_[k * kTile + static_cast<size_t>(c)];
        den += den_[k * kTile + static_cast<size_t>(c)];
      }
      num_sum[k] = num;
      den_sum[k] = den;
    });
  }
  for (size_t k = 0; k < nm; ++k) subdistrict_values[k] = ratio(ids_[k], num_sum[k], den_sum[k]);
}

inline std::optional<MetricRecorderBefore::NonFinite> MetricRecorderBefore::first_non_finite(
    std::span<const float> courtyard_values, std::span<const double> subdistrict_values) const {
  const int32_t nc = model_.ncourtyard();
  const size_t nm = ids_.size();
  // each metric's first finding, the metrics in parallel; the first metric's finding wins
  std::vector<std::optional<NonFinite>> found(nm);
  tbb::parallel_for(size_t{0}, nm, [&](size_t k) {
    const bool sum = all_metrics()[ids_[k]].aggregate == Aggregate::kSum;
    bool any_den = false;
    for (int32_t c = 0; c < nc; ++c) {
      const size_t i = k * static_cast<size_t>(nc) + static_cast<size_t>(c);
      const uint8_t check = check_[i];
      const float v = courtyard_values[i];
      any_den = any_den || (check & kPositiveDenominator) != 0;
      const bool missing = !sum && (check & kNoDenominator) != 0;  // NaN by design
      if ((check & kBadTerms) != 0 || std::isinf(v) || (std::isnan(v) && !missing)) {
        found[k] = NonFinite{k, c, static_cast<double>(v)};
        return;
      }
    }
    const double v = subdistrict_values[k];
    if (std::isinf(v) || (std::isnan(v) && (sum || any_den))) found[k] = NonFinite{k, -1, v};
  });
  for (const auto& f : found)
    if (f) return f;
  return std::nullopt;
}

}  // namespace courtyard::before
