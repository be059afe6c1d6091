#include "model/metric_table.h"

#include "model/model.h"

namespace courtyard {

namespace {

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
      {"meetings", "count", "courtyard meetings since the previous record", Aggregate::kSum},
      {"attendance_rate", "1", "share of resident households at the last meeting", Aggregate::kRatio},
      {"levy_paid_share", "1", "share of asked households that paid the last levy", Aggregate::kRatio},
      {"self_financing", "1", "1 when last month's fees covered last month's running costs", Aggregate::kRatio},
      {"five_haves", "count", "of the five haves: organisation, meeting place, rules, services, own funds", Aggregate::kRatio},
      {"star_rating", "stars", "civilised-courtyard star rating, 1 to 5", Aggregate::kRatio},
      {"move_out_rate_owner", "1/year", "owner-occupiers moving out since the previous record, annualised hazard", Aggregate::kRatio},
      {"move_out_rate_renter", "1/year", "renters moving out since the previous record, annualised hazard", Aggregate::kRatio},
      {"tidy_norm", "1", "descriptive norm: perceived share of neighbours keeping the courtyard tidy", Aggregate::kRatio},
      {"sanctions", "count", "covenant sanctions carried out since the previous record", Aggregate::kSum},
      {"enforcement_hours", "person-hours", "enforcers' hours spent on sanctions since the previous record", Aggregate::kSum},
      {"move_outs_owner", "count", "owner-occupier households that moved out since the previous record", Aggregate::kSum},
      {"move_outs_renter", "count", "renter households that moved out since the previous record", Aggregate::kSum},
      {"staff_hours", "person-hours", "community workers' hours worked for the courtyard since the previous record", Aggregate::kSum},
      {"volunteer_hours", "person-hours", "volunteers' hours given to the courtyard since the previous record", Aggregate::kSum},
      {"spent_subdistrict", "yuan", "the subdistrict's spending on the courtyard since the previous record", Aggregate::kSum},
      {"spent_community", "yuan", "the community's spending on the courtyard since the previous record", Aggregate::kSum},
      {"spent_courtyard", "yuan", "the courtyard fund's spending on interventions since the previous record", Aggregate::kSum},
      {"belief_error", "1", "mean |believed share paying - collection rate| of resident households", Aggregate::kRatio},
      {"managed", "1", "1 when someone manages the courtyard (committee, company, trust manager or owners' committee)", Aggregate::kRatio},
      {"manager_take", "yuan", "fees the company kept, or the trust-based manager's pay, at the last collection", Aggregate::kSum},
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

}  // namespace courtyard
