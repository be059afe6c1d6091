// The range of every behaviour parameter, lower and upper bound (validate.cpp checks them; the tests
// check that every field of the Behaviour message has exactly one rule, in the order of Params, and that
// a run with every parameter at its bounds stays finite). The bounds' constants and why they are safe:
// detail.h, "Bounds"; docs/scenario-format.md lists them. A new parameter needs
// a line here, a field in model.h's Params and one in build_model.cpp's to_params, in the same order.
#include "scenario/detail.h"

namespace courtyard::scenario_detail {

const std::vector<ParamRule>& behaviour_rules() {
  static const std::vector<ParamRule> rules = {
      {"cooperation", "conditional_share", 0, 1},
      {"cooperation", "free_rider_share", 0, 1},
      {"cooperation", "hump_share", 0, 1},
      {"cooperation", "other_share", 0, 1},
      {"cooperation", "conditional_slope", 0, 1},      // a fraction of the belief
      {"cooperation", "belief_learning_rate", 0, 1},   // a weight of new observations
      {"decay", "base_wear_per_week", 0, 1},           // condition lost per week
      {"decay", "wear_age_factor", 0, kMaxRate},
      {"decay", "failure_prob_at_zero", 0, 1},
      {"decay", "failure_drop", 0, 1},                 // condition lost
      {"decay", "repair_cost_per_household", 0.01, kMaxYuanPerHousehold},  // divides in maintenance
      {"broken_windows", "cheap_base_prob", 0, 1},
      {"broken_windows", "cheap_disorder_risk_ratio", 0, kMaxRatio},  // a ratio of probabilities
      {"broken_windows", "costly_base_prob", 0, 1},
      {"broken_windows", "costly_disorder_risk_ratio", 0, kMaxRatio},
      {"broken_windows", "disorder_per_violation", 0, kMaxRatio},
      {"broken_windows", "natural_cleanup", 0, 1},
      {"broken_windows", "funded_cleanup", 0, 1},
      {"broken_windows", "cleaning_cost_per_household_month", 0, kMaxYuanPerHousehold},
      {"broken_windows", "social_control", 0, 1},      // reduces odds by up to this factor
      {"broken_windows", "resident_cleanup", 0, 1},
      {"broken_windows", "norm_rate", 0, 1},
      {"broken_windows", "visible_cleaning_norm_gain", 0, 1},
      {"broken_windows", "norm_threshold", 0, 1},
      {"broken_windows", "norm_steepness", 0, kMaxRatio},
      {"fee_payment", "intercept", -kMaxLogOdds, kMaxLogOdds},             // log-odds weights
      {"fee_payment", "trust_weight", -kMaxLogOdds, kMaxLogOdds},
      {"fee_payment", "satisfaction_weight", -kMaxLogOdds, kMaxLogOdds},
      {"fee_payment", "ability_weight", -kMaxLogOdds, kMaxLogOdds},
      {"fee_payment", "renter_penalty", 0, kMaxLogOdds},   // a penalty: renters pay less
      {"fee_payment", "collection_effort", -kMaxLogOdds, kMaxLogOdds},      // log-odds
      {"fee_payment", "free_rider_log_odds", -kMaxLogOdds, kMaxLogOdds},
      {"fee_payment", "custom_half_life_years", 0, kMaxYears},
      {"trust", "rate", 0, 1},
      {"trust", "opacity_noise", 0, kMaxNoiseSd},          // a standard deviation
      {"trust", "satisfaction_rate", 0, 1},
      {"moving", "owner_base_per_year", 0, 1},
      {"moving", "renter_base_per_year", 0, 1},
      {"moving", "dissatisfaction_odds", 1.0 / kMaxRatio, kMaxRatio},  // its log is taken
      {"moving", "means_weight", -kMaxLogOdds, kMaxLogOdds},
      {"moving", "let_share", 0, 1},
      {"moving", "sell_share", 0, 1},
      {"moving", "vacancy_fill_per_week", 0, 1},
      {"moving", "within_community_share", 0, 1},
      {"ties", "growth_per_year", 0, 1},
      {"ties", "newcomer_ties", 0, 1},
      {"demands", "raise_prob", 0, 1},
      {"demands", "address_share", 0, 1},
      {"governance", "attendance_intercept", -kMaxLogOdds, kMaxLogOdds},  // log-odds weights
      {"governance", "attendance_engagement_weight", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "attendance_ties_weight", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "attendance_owner_bonus", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "attendance_mobilisation", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "communication_effect", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "written_effect", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "persuasion_effect", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "decision_pressure", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "levy_intercept", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "levy_benefit_weight", -kMaxLogOdds, kMaxLogOdds},
      {"governance", "levy_success_share", 0, 1},
      {"governance", "levy_followup_weeks", 0, kMaxWeeks},
      {"governance", "accounts_noise", 0, kMaxNoiseSd},
      {"governance", "visit_trust_gain", 0, 1},
      {"governance", "visit_engagement_gain", 0, 1},
      {"governance", "meeting_demand_threshold", 0, kMaxRatio},
      {"governance", "services_weight", 0, 1},
      {"governance", "award_gain", 0, 1},
      {"governance", "activity_ties_gain", 0, 1},
      {"governance", "committee_maintenance", 0, kMaxYuanPerHousehold},
      {"governance", "reception_address_share", 0, 1},
      {"governance", "effect_half_life_weeks", 0, kMaxWeeks},
      {"governance", "sanction_effect", 0, kMaxLogOdds},
      {"governance", "resentment_share", 0, 1},
      {"governance", "enforcer_hours_per_week", 0, kMaxHours},
      {"governance", "absentee_vote_share", 0, 1},
      {"costs", "survey_staff_hours_per_household", 0, kMaxHours},
      {"costs", "home_visit_staff_hours", 0, kMaxHours},
      {"costs", "reception_staff_hours_per_week", 0, kMaxHours},
      {"costs", "reception_volunteer_hours_per_week", 0, kMaxHours},
      {"costs", "reception_setup_yuan", 0, kMaxYuan},
      {"costs", "meeting_staff_hours", 0, kMaxHours},
      {"costs", "meeting_volunteer_hours", 0, kMaxHours},
      {"costs", "meeting_yuan", 0, kMaxYuan},
      {"costs", "organising_staff_hours", 0, kMaxHours},
      {"costs", "party_contact_staff_hours", 0, kMaxHours},
      {"costs", "accounts_volunteer_hours_per_month", 0, kMaxHours},
      {"costs", "accounts_yuan_per_month", 0, kMaxYuan},
      {"costs", "cleaning_volunteer_hours_per_household_week", 0, kMaxHours},
      {"costs", "cleaning_yuan_per_household_week", 0, kMaxYuanPerHousehold},
      {"costs", "works_staff_hours", 0, kMaxHours},
      {"costs", "award_yuan_per_month", 0, kMaxYuan},
      {"costs", "award_volunteer_hours_per_month", 0, kMaxHours},
      {"costs", "activity_yuan_per_month", 0, kMaxYuan},
      {"costs", "activity_volunteer_hours_per_month", 0, kMaxHours},
      {"costs", "services_yuan_per_household_month", 0, kMaxYuanPerHousehold},
      {"costs", "services_staff_hours_per_week", 0, kMaxHours},
      {"costs", "volunteer_hours_per_week", 0, kMaxHours},
      {"management_models", "company_margin", 0, 1},
      {"management_models", "manager_service_level", 0, 1},
      {"management_models", "company_exit_collection", 0, 1},
      {"management_models", "company_exit_months", 0, kMaxMonths},  // whole months, rounded
      {"management_models", "trust_remuneration_per_household_month", 0, kMaxYuanPerHousehold},  // yuan
      {"management_models", "owners_committee_service_level", 0, 1},
      {"management_models", "owners_committee_vote_interval_months", 0, kMaxMonths},
      {"management_models", "owners_committee_approval_months", 0, kMaxMonths},
  };
  return rules;
}

}  // namespace courtyard::scenario_detail
