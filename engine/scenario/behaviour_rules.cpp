// The range rule of every behaviour parameter (validate.cpp checks them; the tests check that every
// field of the Behaviour message has exactly one rule, in the order of Params). A new parameter needs
// a line here, a field in model.h's Params and one in build_model.cpp's to_params, in the same order.
#include "scenario/detail.h"

namespace courtyard::scenario_detail {

const std::vector<ParamRule>& behaviour_rules() {
  static const std::vector<ParamRule> rules = {
      {"cooperation", "conditional_share", Bound::kShare},
      {"cooperation", "free_rider_share", Bound::kShare},
      {"cooperation", "hump_share", Bound::kShare},
      {"cooperation", "other_share", Bound::kShare},
      {"cooperation", "conditional_slope", Bound::kShare},      // a fraction of the belief
      {"cooperation", "belief_learning_rate", Bound::kShare},   // a weight of new observations
      {"decay", "base_wear_per_week", Bound::kShare},           // condition lost per week
      {"decay", "wear_age_factor", Bound::kNonNegative},
      {"decay", "failure_prob_at_zero", Bound::kShare},
      {"decay", "failure_drop", Bound::kShare},                 // condition lost
      {"decay", "repair_cost_per_household", Bound::kPositive},  // divides in maintenance
      {"broken_windows", "cheap_base_prob", Bound::kShare},
      {"broken_windows", "cheap_disorder_risk_ratio", Bound::kNonNegative},  // a ratio of probabilities
      {"broken_windows", "costly_base_prob", Bound::kShare},
      {"broken_windows", "costly_disorder_risk_ratio", Bound::kNonNegative},
      {"broken_windows", "disorder_per_violation", Bound::kNonNegative},
      {"broken_windows", "natural_cleanup", Bound::kShare},
      {"broken_windows", "funded_cleanup", Bound::kShare},
      {"broken_windows", "cleaning_cost_per_household_month", Bound::kNonNegative},
      {"broken_windows", "social_control", Bound::kShare},      // reduces odds by up to this factor
      {"broken_windows", "resident_cleanup", Bound::kShare},
      {"broken_windows", "norm_rate", Bound::kShare},
      {"broken_windows", "visible_cleaning_norm_gain", Bound::kShare},
      {"broken_windows", "norm_threshold", Bound::kShare},
      {"broken_windows", "norm_steepness", Bound::kNonNegative},
      {"fee_payment", "intercept", Bound::kFinite},             // log-odds weights
      {"fee_payment", "trust_weight", Bound::kFinite},
      {"fee_payment", "satisfaction_weight", Bound::kFinite},
      {"fee_payment", "ability_weight", Bound::kFinite},
      {"fee_payment", "renter_penalty", Bound::kNonNegative},   // a penalty: renters pay less
      {"fee_payment", "collection_effort", Bound::kFinite},      // log-odds
      {"fee_payment", "free_rider_log_odds", Bound::kFinite},
      {"fee_payment", "custom_half_life_years", Bound::kNonNegative},
      {"trust", "rate", Bound::kShare},
      {"trust", "opacity_noise", Bound::kNonNegative},          // a standard deviation
      {"trust", "satisfaction_rate", Bound::kShare},
      {"moving", "owner_base_per_year", Bound::kShare},
      {"moving", "renter_base_per_year", Bound::kShare},
      {"moving", "dissatisfaction_odds", Bound::kPositive},  // its log is taken
      {"moving", "means_weight", Bound::kFinite},
      {"moving", "let_share", Bound::kShare},
      {"moving", "sell_share", Bound::kShare},
      {"moving", "vacancy_fill_per_week", Bound::kShare},
      {"moving", "within_community_share", Bound::kShare},
      {"ties", "growth_per_year", Bound::kShare},
      {"ties", "newcomer_ties", Bound::kShare},
      {"demands", "raise_prob", Bound::kShare},
      {"demands", "address_share", Bound::kShare},
      {"governance", "attendance_intercept", Bound::kFinite},  // log-odds weights
      {"governance", "attendance_engagement_weight", Bound::kFinite},
      {"governance", "attendance_ties_weight", Bound::kFinite},
      {"governance", "attendance_owner_bonus", Bound::kFinite},
      {"governance", "attendance_mobilisation", Bound::kFinite},
      {"governance", "communication_effect", Bound::kFinite},
      {"governance", "written_effect", Bound::kFinite},
      {"governance", "persuasion_effect", Bound::kFinite},
      {"governance", "decision_pressure", Bound::kFinite},
      {"governance", "levy_intercept", Bound::kFinite},
      {"governance", "levy_benefit_weight", Bound::kFinite},
      {"governance", "levy_success_share", Bound::kShare},
      {"governance", "levy_followup_weeks", Bound::kNonNegative},
      {"governance", "accounts_noise", Bound::kNonNegative},
      {"governance", "visit_trust_gain", Bound::kShare},
      {"governance", "visit_engagement_gain", Bound::kShare},
      {"governance", "meeting_demand_threshold", Bound::kNonNegative},
      {"governance", "services_weight", Bound::kShare},
      {"governance", "award_gain", Bound::kShare},
      {"governance", "activity_ties_gain", Bound::kShare},
      {"governance", "committee_maintenance", Bound::kNonNegative},
      {"governance", "reception_address_share", Bound::kShare},
      {"governance", "effect_half_life_weeks", Bound::kNonNegative},
      {"governance", "sanction_effect", Bound::kNonNegative},
      {"governance", "resentment_share", Bound::kShare},
      {"governance", "enforcer_hours_per_week", Bound::kNonNegative},
      {"governance", "absentee_vote_share", Bound::kShare},
      {"costs", "survey_staff_hours_per_household", Bound::kNonNegative},
      {"costs", "home_visit_staff_hours", Bound::kNonNegative},
      {"costs", "reception_staff_hours_per_week", Bound::kNonNegative},
      {"costs", "reception_volunteer_hours_per_week", Bound::kNonNegative},
      {"costs", "reception_setup_yuan", Bound::kNonNegative},
      {"costs", "meeting_staff_hours", Bound::kNonNegative},
      {"costs", "meeting_volunteer_hours", Bound::kNonNegative},
      {"costs", "meeting_yuan", Bound::kNonNegative},
      {"costs", "organising_staff_hours", Bound::kNonNegative},
      {"costs", "party_contact_staff_hours", Bound::kNonNegative},
      {"costs", "accounts_volunteer_hours_per_month", Bound::kNonNegative},
      {"costs", "accounts_yuan_per_month", Bound::kNonNegative},
      {"costs", "cleaning_volunteer_hours_per_household_week", Bound::kNonNegative},
      {"costs", "cleaning_yuan_per_household_week", Bound::kNonNegative},
      {"costs", "works_staff_hours", Bound::kNonNegative},
      {"costs", "award_yuan_per_month", Bound::kNonNegative},
      {"costs", "award_volunteer_hours_per_month", Bound::kNonNegative},
      {"costs", "activity_yuan_per_month", Bound::kNonNegative},
      {"costs", "activity_volunteer_hours_per_month", Bound::kNonNegative},
      {"costs", "services_yuan_per_household_month", Bound::kNonNegative},
      {"costs", "services_staff_hours_per_week", Bound::kNonNegative},
      {"costs", "volunteer_hours_per_week", Bound::kNonNegative},
      {"management_models", "company_margin", Bound::kShare},
      {"management_models", "manager_service_level", Bound::kShare},
      {"management_models", "company_exit_collection", Bound::kShare},
      {"management_models", "company_exit_months", Bound::kNonNegative},  // whole months, rounded
      {"management_models", "trust_remuneration_per_household_month", Bound::kNonNegative},  // yuan
      {"management_models", "owners_committee_service_level", Bound::kShare},
      {"management_models", "owners_committee_vote_interval_months", Bound::kNonNegative},
      {"management_models", "owners_committee_approval_months", Bound::kNonNegative},
  };
  return rules;
}

}  // namespace courtyard::scenario_detail
