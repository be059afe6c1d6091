// The metric table: names, units and meaning of everything recorded per courtyard, and how each is
// aggregated over the subdistrict. It lives in model/ so the scenario validator can check metric names;
// the values are computed in sim/metrics.cpp.
//
// Each metric is a ratio num/den per courtyard; the subdistrict value is sum(num)/sum(den) over all
// courtyards (kRatio: a household-weighted mean) or sum(num) (kSum: counts and money).
#pragma once

#include <string>
#include <vector>

namespace courtyard {

enum class Aggregate : unsigned char { kRatio, kSum };

struct MetricDef {
  std::string name;
  std::string units;
  std::string long_name;
  Aggregate aggregate;
};

// Indices into all_metrics().
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
  kMeetings,
  kAttendanceRate,
  kLevyPaidShare,
  kSelfFinancing,
  kFiveHaves,
  kStarRating,
  kMoveOutRateOwner,
  kMoveOutRateRenter,
  kTidyNorm,
  kSanctions,
  kEnforcementHours,
  kMoveOutsOwner,
  kMoveOutsRenter,
  kStaffHours,
  kVolunteerHours,
  kSpentSubdistrict,
  kSpentCommunity,
  kSpentCourtyard,
  kBeliefError,
  kManaged,
  kManagerTake,
  kFirstFacility  // facility_<name> follow, one per facility
};

// Every metric the engine knows, in output order; per-facility metrics (facility_<name>) last.
const std::vector<MetricDef>& all_metrics();
// Index into all_metrics(), or -1.
int find_metric(const std::string& name);

}  // namespace courtyard
