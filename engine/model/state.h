// The mutable state of a run: flat arrays, households as structure-of-arrays.
//
// Households of courtyard c are the contiguous slice [household_offset[c], household_offset[c+1]).
// A flat stays the same slot for the whole run; when a household moves out, a newcomer (or nobody:
// tenure kVacant) takes the slot. The field tables below drive allocation, equality and checkpoints.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"

namespace courtyard {

// Household hot state: 10 bytes + 10 floats = 50 bytes per household.
//   X(type, name, unit/meaning)
#define COURTYARD_HOUSEHOLD_FIELDS(X)                                                          \
  X(Tenure, tenure, "owner-occupier, renter, or vacant flat")                                  \
  X(CoopType, coop, "cooperation type")                                                        \
  X(uint8_t, stairwell, "stairwell (unit) index, from 0")                                      \
  X(uint8_t, floor, "floor, from 1")                                                           \
  X(uint8_t, flags, "bit flags (HouseholdFlag)")                                                \
  X(uint8_t, demands, "open demands this household has raised")                               \
  X(uint8_t, civic, "bit flags (CivicFlag): meetings and levies")                              \
  X(uint16_t, visited_step, "step of the last home visit + 1 (0: never)")                      \
  X(uint8_t, arrears, "months in a row the fee was not paid (0 after paying)")                 \
  X(float, ability, "ability to pay, [0,1]")                                                   \
  X(float, years, "years in residence")                                                        \
  X(float, engagement, "engagement in courtyard affairs, [0,1]")                               \
  X(float, trust, "trust in the courtyard's organisation, [0,1]")                              \
  X(float, satisfaction, "satisfaction with the courtyard, [0,1]")                             \
  X(float, ties, "neighbour ties, [0,1]")                                                      \
  X(float, norms, "norm adherence, [0,1]")                                                     \
  X(float, belief, "believed share of neighbours who pay the fee, [0,1]")                      \
  X(float, sanction, "log-odds added to paying by the covenant's sanctions received, fading")   \
  X(float, mover_ability, "scratch: ability of the household that left this slot this step to move "\
                          "within its community; negative when none")

// kForRent / kForSale: a vacant flat on the market; a vacant flat with neither is kept empty.
enum HouseholdFlag : uint8_t { kParty = 1, kPaid = 2, kForRent = 4, kForSale = 8 };
// kAttended: at the last meeting; kLevyPaid / kLevyAsked: the open levy; kPersuaded: reached by persuasion.
// kLastLevy*: the household's part in its courtyard's last closed levy (asked, paid, persuaded), kept
// when the levy closes for the household snapshots (/households/civic); the model never reads them.
enum CivicFlag : uint8_t {
  kAttended = 1,
  kLevyPaid = 2,
  kLevyAsked = 4,
  kPersuaded = 8,
  kLastLevyAsked = 16,
  kLastLevyPaid = 32,
  kLastLevyPersuaded = 64,
};
// Institutions and practices in force in a courtyard (bit flags).
enum Institution : uint16_t {
  kReception = 1,       // reception station in the courtyard
  kSurveyed = 2,        // the "two clears": assets and demands known
  kPartyBranch = 4,     // courtyard party branch; members known
  kCouncil = 8,         // residents' council decides the agenda
  kCommittee = 16,      // residents' committee executes, collects, keeps accounts
  kCovenant = 32,       // residents' covenant adopted
  kTransparency = 64,   // monthly accounts posted at the gate
  kAwards = 128,        // recognition awards, monthly
  kActivities = 256,    // regular activities (banquets), monthly
  kCouncilMeetings = 512,  // the council calls meetings when demands pile up
};

// Courtyard state, one entry per courtyard (condition: kFacilityCount entries per courtyard).
#define COURTYARD_COURTYARD_FIELDS(X)                                                          \
  X(double, disorder, "visible disorder, [0,1]")                                               \
  X(double, fund, "courtyard fund, yuan")                                                      \
  X(double, fee, "monthly property fee per household, yuan")                                   \
  X(double, perceived_value, "improvement seen per yuan paid, smoothed, [0,1]")                \
  X(double, spent_month, "yuan spent on the courtyard this month so far")                      \
  X(double, paid_month, "yuan of fees paid at the last collection")                            \
  X(float, collection_rate, "share of occupied flats that paid at the last collection")        \
  X(float, cleaning_share, "weekly share of disorder removed by an active cleaning campaign")  \
  X(Management, management, "management mode")                                                 \
  X(uint8_t, cleaning_paid, "1 when this month's cleaning was paid from the fund")              \
  X(int32_t, open_demands, "demands raised and not yet addressed (households' and urgent)")    \
  X(int32_t, urgent_demands, "urgent demands from facility failures not yet addressed")         \
  X(int32_t, violations, "violations since the last record")                                   \
  X(int32_t, move_outs, "households that moved out since the last record")                     \
  X(int32_t, move_ins, "households that moved in since the last record")                       \
  X(int32_t, leavers, "households leaving this step (scratch for the moving phase)")          \
  X(uint16_t, institutions, "institutions in force (Institution bit flags)")                   \
  X(double, maintenance_rate, "routine maintenance budget, yuan per household per month")      \
  X(float, services_level, "culture, health and elderly-care services, [0,1]")                 \
  X(float, visit_coverage, "share of households visited at home each week")                   \
  X(float, joint_history, "memory of paying together for joint repairs, [0,1]")                \
  X(int32_t, weeks_since_meeting, "weeks since the last courtyard meeting")                   \
  X(int32_t, meetings, "meetings since the last record")                                      \
  X(float, last_attendance, "share of resident households at the last meeting (NaN: none)")    \
  X(int32_t, levy_proposal, "proposal of the open levy (-1: none)")                            \
  X(int32_t, levy_weeks_left, "follow-up weeks left for the open levy")                        \
  X(uint8_t, levy_adopted, "open levy: 0 asked door to door, 1 adopted at a meeting, 2 with persuasion")\
  X(float, last_levy_share, "share of asked households that paid the last levy (NaN: none)")   \
  X(double, costs_month, "running, cleaning and maintenance costs paid this month, yuan")      \
  X(uint8_t, self_financing, "1 when last month's fees covered last month's costs")             \
  X(float, payment_custom, "log-odds of paying that holds the stated collection at the start")  \
  X(float, tidy_norm, "descriptive norm: perceived share of neighbours keeping it tidy, [0,1]") \
  X(int32_t, weeks_since_notice, "weeks since the accounts were last posted at the gate")        \
  X(int32_t, move_outs_owner, "owner-occupier households that moved out since the last record")  \
  X(int32_t, move_outs_renter, "renter households that moved out since the last record")         \
  X(int32_t, owner_weeks, "owner-occupier household-weeks at risk of moving since the last record")\
  X(int32_t, renter_weeks, "renter household-weeks at risk of moving since the last record")     \
  X(int32_t, sanctions, "covenant sanctions carried out since the last record")                  \
  X(float, enforcement_hours, "enforcers' hours spent on sanctions since the last record")      \
  X(float, staff_hours, "community workers' hours worked in the courtyard since the last record")  \
  X(float, volunteer_hours, "volunteers' hours given to the courtyard since the last record")     \
  X(double, spent_subdistrict, "yuan the subdistrict spent on the courtyard since the last record") \
  X(double, spent_community, "yuan the community spent on the courtyard since the last record")   \
  X(double, spent_courtyard, "yuan the courtyard's fund spent on interventions since the last record") \
  X(int32_t, contract, "management contract in force (index into Model::contracts)")              \
  X(int32_t, low_collection_months, "company: months in a row collection was below its exit level") \
  X(int32_t, repairs_approved_until, "owners' committee: repairs may be paid before this step")     \
  X(int32_t, repairs_vote_step, "owners' committee: step of the last vote on repairs")              \
  X(double, manager_take_month, "yuan the company kept or the trust manager was paid this month")

struct State {
  int32_t step = 0;  // steps completed

#define COURTYARD_DECLARE(type, name, doc) std::vector<type> name;
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_DECLARE)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_DECLARE)
#undef COURTYARD_DECLARE
  std::vector<float> condition;  // (ncourtyard x kFacilityCount) facility condition, [0,1]

  void allocate(int64_t nhousehold, int32_t ncourtyard);
  bool operator==(const State& other) const;
};

}  // namespace courtyard
