// The frozen model: everything a run needs that does not change while it runs.
//
// Built once from a validated scenario (engine/scenario/build_model.cpp) and never modified after.
// Protobuf types stop at the loader: the step sees only these plain structs and arrays.
// Shapes are written beside each array: (ncourtyard), (ncourtyard+1), (nhousehold).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/calendar.h"

namespace courtyard {

// Who manages a courtyard (docs/ODD.md, "Management models"): nobody, a residents' committee, a
// property-management company under contract, a trust-based manager (fees in a jointly supervised
// account, every expense shown), or an owners' committee that spends on repairs only by art. 278 vote.
enum class Management : uint8_t { kNone = 0, kSelf = 1, kCompany = 2, kTrust = 3, kOwnersCommittee = 4 };

// A household's tenure. kVacant: the flat is empty (an absentee owner, or unsold).
enum class Tenure : uint8_t { kOwner = 0, kRenter = 1, kVacant = 2 };

// Cooperation types (Fischbacher, Gachter & Fehr 2001).
enum class CoopType : uint8_t { kConditional = 0, kFreeRider = 1, kHump = 2, kOther = 3 };

// The courtyard's shared facilities. Names are used in scenario files and output.
enum Facility : int {
  kRoof = 0,
  kStairwells,
  kDrainage,
  kLighting,
  kGreenery,
  kGate,
  kParking,
  kCommonRooms,
  kFacilityCount
};
inline constexpr std::array<const char*, kFacilityCount> kFacilityNames = {
    "roof", "stairwells", "drainage", "lighting", "greenery", "gate", "parking", "common_rooms"};
// Relative repair cost and how visible each facility's condition is to residents (sums to 1).
inline constexpr std::array<double, kFacilityCount> kFacilityCostWeight = {0.25, 0.15, 0.15, 0.08,
                                                                          0.07, 0.10, 0.10, 0.10};
inline constexpr std::array<double, kFacilityCount> kFacilityVisibility = {0.05, 0.25, 0.10, 0.10,
                                                                          0.15, 0.15, 0.10, 0.10};
// Returns kFacilityCount when the name is unknown.
int facility_from_name(const std::string& name);

// Behavioural parameters (docs/ODD.md lists each default and its source).
struct Params {
  struct {
    double conditional_share, free_rider_share, hump_share, other_share;
    double conditional_slope, belief_learning_rate;
  } cooperation;
  struct {
    double base_wear_per_week, wear_age_factor, failure_prob_at_zero, failure_drop;
    double repair_cost_per_household;
  } decay;
  struct {
    double cheap_base_prob, cheap_disorder_risk_ratio, costly_base_prob, costly_disorder_risk_ratio;
    double disorder_per_violation, natural_cleanup, funded_cleanup, cleaning_cost_per_household_month;
    double social_control;
    double resident_cleanup, norm_rate, visible_cleaning_norm_gain, norm_threshold, norm_steepness;
  } broken_windows;
  struct {
    double intercept, trust_weight, satisfaction_weight, ability_weight;
    double renter_penalty, collection_effort, free_rider_log_odds, custom_half_life_years;
  } fee_payment;
  struct {
    double rate, opacity_noise, satisfaction_rate;
  } trust;
  struct {
    double owner_base_per_year, renter_base_per_year, dissatisfaction_odds, means_weight;
    double let_share, sell_share, vacancy_fill_per_week, within_community_share;
  } moving;
  struct {
    double growth_per_year, newcomer_ties;
  } ties;
  struct {
    double raise_prob, address_share;
  } demands;
  struct {
    double attendance_intercept, attendance_engagement_weight, attendance_ties_weight, attendance_owner_bonus;
    double attendance_mobilisation, communication_effect, written_effect, persuasion_effect;
    double decision_pressure, levy_intercept, levy_benefit_weight, levy_success_share;
    double levy_followup_weeks;  // whole weeks, rounded where used
    double accounts_noise, visit_trust_gain, visit_engagement_gain, meeting_demand_threshold;
    double services_weight, award_gain, activity_ties_gain, committee_maintenance, reception_address_share;
    double effect_half_life_weeks, sanction_effect, resentment_share, enforcer_hours_per_week;
    double absentee_vote_share;
  } governance;
  struct {  // hours and yuan each act takes (docs/ODD.md 7.3)
    double survey_staff_hours_per_household, home_visit_staff_hours, reception_staff_hours_per_week;
    double reception_volunteer_hours_per_week, reception_setup_yuan, meeting_staff_hours, meeting_volunteer_hours;
    double meeting_yuan, organising_staff_hours, party_contact_staff_hours, accounts_volunteer_hours_per_month;
    double accounts_yuan_per_month, cleaning_volunteer_hours_per_household_week, cleaning_yuan_per_household_week;
    double works_staff_hours, award_yuan_per_month, award_volunteer_hours_per_month, activity_yuan_per_month;
    double activity_volunteer_hours_per_month, services_yuan_per_household_month, services_staff_hours_per_week;
    double volunteer_hours_per_week;
  } costs;
  struct {
    double company_margin, manager_service_level, company_exit_collection, company_exit_months;
    double trust_remuneration_per_household_month, owners_committee_service_level;
    double owners_committee_vote_interval_months, owners_committee_approval_months;  // whole months
  } management_models;
};

// Terms of a management contract (a company's or a trust-based manager's), resolved at load.
struct ContractSpec {
  double margin = 0;             // company: share of collected fees kept
  double service_level = 0.7;    // [0,1]
  double exit_collection = 0;    // company: leaves below this collection ...
  int32_t exit_months = 0;       // ... for this many months in a row (0: never)
  double remuneration = 0;       // trust-based manager: yuan per household per month
};

// A courtyard's fixed description and initial values.
struct CourtyardSpec {
  std::string name;
  int32_t kind = -1;       // index into Model::kind_names; -1: an explicitly named courtyard
  int32_t community = 0;   // index into Model::community_names
  int32_t households = 0;  // flats
  int32_t stairwells = 1;
  int32_t floors = 1;
  int32_t build_year = 1990;
  double owner_share = 1, renter_share = 0, vacant_share = 0;
  double party_member_share = 0;
  double initial_condition = 1, initial_disorder = 0;
  double fee_per_month = 0;  // yuan per household
  double initial_fund = 0;   // yuan
  Management management = Management::kNone;
  double flat_area_m2 = 60;
  double initial_collection = 0.5, initial_trust = 0.5;
  double maintenance_per_household_month = 0;  // yuan
  double running_cost_per_household_month = 0;  // yuan
  double joint_payment_history = 0;             // [0,1]
  double housing_demand = 1;                    // the community's, relative to ordinary
  int32_t contract = 0;                         // index into Model::contracts
};

enum class InterventionType : uint8_t {
  kHardwareUpgrade = 0,
  kFeeChange,
  kSubsidy,
  kManagementChange,
  kCleaning,
  // governance
  kReceptionStation,
  kHouseholdSurvey,
  kHomeVisits,
  kPartyBranch,
  kResidentsCouncil,
  kResidentsCommittee,
  kCovenant,
  kAwards,
  kServices,
  kTransparencyBoard,
  kActivity,
  kMeeting,
  kLevy,
  kAssetsSurvey,     // the assets known: facilities, greenery, cars (hardware works need it)
  kCouncilMeetings,  // the council calls a meeting when demands pile up
  kCount
};

enum class VotingRule : uint8_t { kMajorityPresent = 1, kArt278Ordinary = 2, kArt278Major = 3 };
enum class Beneficiaries : uint8_t { kEveryone = 1, kUpperFloors = 2, kLowerFloors = 3, kStairwells = 4 };
enum class Caller : uint8_t { kCouncil = 1, kCommittee = 2, kCommunity = 3, kOwnersCommittee = 4 };

// A proposal put to a meeting or asked door to door (agenda item). Proposal 0 of every model is the
// council's agenda of open demands; the covenant is proposal 1.
struct ProposalSpec {
  std::string name;
  double cost_per_household = 0;  // yuan
  Beneficiaries beneficiaries = Beneficiaries::kEveryone;
  int32_t floors_from = 0, floors_to = 0;
  std::vector<int32_t> stairwells;
  VotingRule rule = VotingRule::kMajorityPresent;
  int32_t facility = -1;  // repaired when a levy goes ahead; -1 none
  bool benefits(int floor, int stairwell) const;
};
inline constexpr int32_t kProposalDemands = 0;
inline constexpr int32_t kProposalCovenant = 1;
const char* intervention_type_name(InterventionType t);

// Who pays an act's yuan.
enum class Payer : uint8_t { kSubdistrict = 1, kCourtyard = 2, kCommunity = 3 };
const char* payer_name(Payer p);

// How the subdistrict's budget is shared among courtyards waiting for it (docs/governance.md).
enum class Targeting : uint8_t { kFirstCome = 1, kWorstConditionFirst = 2, kGainPerYuan = 3, kLottery = 4 };
const char* targeting_name(Targeting t);

struct InterventionSpec {
  std::string name;
  InterventionType type = InterventionType::kHardwareUpgrade;
  int32_t start_step = 0;
  int32_t end_step = 0;  // inclusive
  double intensity = 1;
  double cost_yuan = 0;                 // per targeted courtyard, at start
  double cost_per_household_yuan = 0;   // plus this per flat of the courtyard
  Payer payer = Payer::kSubdistrict;
  // What the act takes besides its start cost (docs/ODD.md 7.3), per courtyard and per flat.
  // Community staff hours: one-off before it starts (it waits until they are worked), and a week while
  // it lasts; volunteer hours: at the start, a week and a month; yuan a week and a month while it lasts.
  double staff_hours = 0, staff_hours_per_household = 0;
  double staff_hours_per_week = 0, staff_hours_per_household_week = 0;
  double volunteer_hours = 0, volunteer_hours_per_week = 0, volunteer_hours_per_household_week = 0;
  double volunteer_hours_per_month = 0;
  double yuan_per_week = 0, yuan_per_household_week = 0, yuan_per_month = 0, yuan_per_household_month = 0;
  // A package's component: its name, and the interventions (indices) that must have started first.
  std::string component;
  std::vector<int32_t> needs;
  bool lasting = false;  // acts each week of its window (besides the types that always do)
  // Targets: a fixed list of courtyards, optionally filtered at start by a condition on a metric.
  std::vector<int32_t> courtyards;  // ascending ids
  std::string condition_metric;     // empty: no condition
  char condition_op = '<';          // one of < > (with `condition_or_equal`)
  bool condition_or_equal = false;
  double condition_value = 0;
  // Type-specific values.
  std::vector<int32_t> facilities;  // hardware upgrade: facility ids (all when empty)
  double value = 0;                 // fee change: new fee; subsidy: yuan; cleaning: weekly share;
                                    // home visits: coverage per week; services: level
  Management management = Management::kNone;
  int32_t contract = -1;            // management change: index into Model::contracts; -1 keep the courtyard's
  int32_t proposal = -1;            // meeting, levy, covenant: index into Model::proposals
  // A step of a package: starts in each courtyard `offset_steps` after intervention `follows` started
  // there (the package's condition is the leader's alone). -1: starts on its own.
  int32_t follows = -1;
  int32_t offset_steps = 0;
  int32_t duration_steps = -1;  // a follower's window length after its own start; -1: to end_step
  Caller caller = Caller::kCommunity;
  bool persuasion = false;          // meeting: community workers persuade
};

struct OutputSpec {
  std::vector<std::string> metrics;  // empty: all
  int32_t record_every = 1;
  int32_t block_records = 52;
  bool per_facility = false;
  std::vector<int32_t> household_snapshots;  // courtyard ids whose households are recorded one by one
};

// A name in two languages for the report (Scenario.labels): not used by the model, written to the
// result file's /parameters/label_key, label_zh and label_en.
struct LabelSpec {
  std::string key, zh, en;
};

struct Model {
  // run settings
  uint64_t seed = 1;
  int32_t steps = 104;
  Date start_date;
  OutputSpec output;
  std::string subdistrict_name = "subdistrict";
  double subdistrict_budget = 0;
  Targeting targeting = Targeting::kFirstCome;

  Params params{};

  std::vector<std::string> community_names;
  // each community's residents' committee: workers, the hours each gives to courtyards a week, and
  // its yearly budget for courtyard work (yuan)
  std::vector<int32_t> community_workers;            // (ncommunity)
  std::vector<double> community_hours_per_worker;    // (ncommunity)
  std::vector<double> community_budget_per_year;     // (ncommunity)
  std::vector<std::string> kind_names;

  // courtyards, in id order
  std::vector<CourtyardSpec> courtyards;    // (ncourtyard)
  std::vector<int64_t> household_offset;    // (ncourtyard+1) first household of each courtyard
  std::vector<int32_t> community_courtyards;  // courtyard ids grouped by community, ascending
  std::vector<int32_t> community_offset;      // (ncommunity+1) into community_courtyards

  std::vector<InterventionSpec> interventions;  // in scenario order (packages expanded)
  std::vector<ProposalSpec> proposals;          // agenda items; 0: open demands, 1: the covenant
  std::vector<ContractSpec> contracts;          // management contracts: courtyards', then changes'
  int32_t repairs_proposal = -1;                // owners' committee: spending the fund on repairs

  // the effective scenario (after defaults and overrides) as protobuf text, and its sha256
  std::string scenario_name;
  std::string scenario_text;
  std::string scenario_sha256;
  std::vector<LabelSpec> labels;  // Scenario.labels, in file order

  int32_t ncourtyard() const { return static_cast<int32_t>(courtyards.size()); }
  int64_t nhousehold() const { return household_offset.empty() ? 0 : household_offset.back(); }
  int32_t ncommunity() const { return static_cast<int32_t>(community_names.size()); }
  // Date of the first day of step s.
  Date date_of_step(int32_t s) const { return civil_from_days(days_from_civil(start_date) + 7 * s); }
};

}  // namespace courtyard
