// LoadedScenario -> frozen Model. Protobuf types end here: the run sees plain structs.
//
// Generated courtyards are drawn with keyed randomness: attribute a of courtyard c comes from
// Stream(seed, kGenerateCourtyards, c, a, 0) where a is the attribute's field number in
// CourtyardKind, so a draw depends only on (seed, courtyard id, attribute), never on the order in
// which attributes are read or on attributes added to the schema later.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "core/rng.h"
#include "scenario/detail.h"
#include "scenario/scenario.h"
#include "scenario/sha256.h"

namespace courtyard {

using namespace scenario_detail;

namespace {

Management to_management(courtyard::v1::Management m) {
  switch (m) {
    case courtyard::v1::MANAGEMENT_SELF: return Management::kSelf;
    case courtyard::v1::MANAGEMENT_COMPANY: return Management::kCompany;
    case courtyard::v1::MANAGEMENT_TRUST: return Management::kTrust;
    case courtyard::v1::MANAGEMENT_OWNERS_COMMITTEE: return Management::kOwnersCommittee;
    default: return Management::kNone;  // NONE (UNSPECIFIED is rejected by validation)
  }
}

// One draw from a distribution.
double draw(const courtyard::v1::Dist& d, Stream& stream) {
  switch (d.kind_case()) {
    case courtyard::v1::Dist::kFixed: return d.fixed();
    case courtyard::v1::Dist::kUniform: return stream.uniform(d.uniform().min(), d.uniform().max());
    case courtyard::v1::Dist::kNormal:
      return std::clamp(stream.normal(d.normal().mean(), d.normal().sd()), d.normal().min(), d.normal().max());
    case courtyard::v1::Dist::KIND_NOT_SET: break;
  }
  return 0;  // unreachable for a valid scenario
}

// A generated courtyard as if it had been written out: every attribute with a Dist drawn, the others
// left unset so that they read as the explicit courtyard's defaults.
courtyard::v1::Courtyard generate(const courtyard::v1::CourtyardKind& kind, uint64_t seed, int32_t id) {
  courtyard::v1::Courtyard cy;
  const pb::Reflection* kind_refl = kind.GetReflection();
  const pb::Reflection* cy_refl = cy.GetReflection();
  for (const AttributeRule& rule : courtyard_attributes()) {
    const pb::FieldDescriptor* dist_field = kind.GetDescriptor()->FindFieldByName(rule.name);
    if (!kind_refl->HasField(kind, dist_field)) continue;
    const auto& dist = static_cast<const courtyard::v1::Dist&>(kind_refl->GetMessage(kind, dist_field));
    Stream stream(seed, Purpose::kGenerateCourtyards, static_cast<uint32_t>(id),
                  static_cast<uint32_t>(dist_field->number()), 0);
    const double x = draw(dist, stream);
    const pb::FieldDescriptor* f = cy.GetDescriptor()->FindFieldByName(rule.name);
    if (rule.integer) {
      cy_refl->SetInt32(&cy, f, static_cast<int32_t>(std::lround(x)));
    } else {
      cy_refl->SetDouble(&cy, f, x);
    }
  }
  if (kind.has_tenure()) *cy.mutable_tenure() = kind.tenure();
  cy.set_management(kind.management());
  if (kind.has_contract()) *cy.mutable_contract() = kind.contract();
  return cy;
}

CourtyardSpec to_spec(const courtyard::v1::Courtyard& cy, std::string name, int32_t kind, int32_t community) {
  CourtyardSpec c;
  c.name = std::move(name);
  c.kind = kind;
  c.community = community;
  c.households = cy.households();
  c.stairwells = cy.stairwells();
  c.floors = cy.floors();
  c.build_year = cy.build_year();
  // a missing tenure mix: every flat owner-occupied
  if (cy.has_tenure()) {
    c.owner_share = cy.tenure().owner();
    c.renter_share = cy.tenure().renter();
    c.vacant_share = cy.tenure().vacant();
  } else {
    c.owner_share = 1;
    c.renter_share = 0;
    c.vacant_share = 0;
  }
  c.party_member_share = cy.party_member_share();
  c.initial_condition = cy.initial_condition();
  c.initial_disorder = cy.initial_disorder();
  c.fee_per_month = cy.fee_per_month();
  c.initial_fund = cy.initial_fund();
  c.management = to_management(cy.management());
  c.flat_area_m2 = cy.flat_area_m2();
  c.initial_collection = cy.initial_collection();
  c.initial_trust = cy.initial_trust();
  c.maintenance_per_household_month = cy.maintenance_per_household_month();
  c.running_cost_per_household_month = cy.running_cost_per_household_month();
  c.joint_payment_history = cy.joint_payment_history();
  return c;
}

Params to_params(const courtyard::v1::Behaviour& b) {
  Params p{};
  const auto& co = b.cooperation();
  p.cooperation = {co.conditional_share(), co.free_rider_share(), co.hump_share(),
                   co.other_share(),       co.conditional_slope(), co.belief_learning_rate()};
  const auto& de = b.decay();
  p.decay = {de.base_wear_per_week(), de.wear_age_factor(), de.failure_prob_at_zero(), de.failure_drop(),
             de.repair_cost_per_household()};
  const auto& bw = b.broken_windows();
  p.broken_windows = {bw.cheap_base_prob(),        bw.cheap_disorder_risk_ratio(),
                      bw.costly_base_prob(),       bw.costly_disorder_risk_ratio(),
                      bw.disorder_per_violation(), bw.natural_cleanup(),
                      bw.funded_cleanup(),         bw.cleaning_cost_per_household_month(),
                      bw.social_control(),         bw.resident_cleanup(),
                      bw.norm_rate(),              bw.visible_cleaning_norm_gain(),
                      bw.norm_threshold(),
                      bw.norm_steepness()};
  const auto& fp = b.fee_payment();
  p.fee_payment = {fp.intercept(),      fp.trust_weight(),   fp.satisfaction_weight(), fp.ability_weight(),
                   fp.renter_penalty(), fp.collection_effort(), fp.free_rider_log_odds(),
                   fp.custom_half_life_years()};
  const auto& tr = b.trust();
  p.trust = {tr.rate(), tr.opacity_noise(), tr.satisfaction_rate()};
  const auto& mv = b.moving();
  p.moving = {mv.owner_base_per_year(), mv.renter_base_per_year(), mv.dissatisfaction_odds(),
              mv.means_weight(),        mv.let_share(),            mv.sell_share(),
              mv.vacancy_fill_per_week(), mv.within_community_share()};
  p.ties = {b.ties().growth_per_year(), b.ties().newcomer_ties()};
  p.demands = {b.demands().raise_prob(), b.demands().address_share()};
  const auto& g = b.governance();
  p.governance = {g.attendance_intercept(),   g.attendance_engagement_weight(), g.attendance_ties_weight(),
                  g.attendance_owner_bonus(), g.attendance_mobilisation(),      g.communication_effect(),
                  g.written_effect(),         g.persuasion_effect(),            g.decision_pressure(),
                  g.levy_intercept(),         g.levy_benefit_weight(),
                  g.levy_success_share(),     g.levy_followup_weeks(),          g.accounts_noise(),
                  g.visit_trust_gain(),       g.visit_engagement_gain(),        g.meeting_demand_threshold(),
                  g.services_weight(),        g.award_gain(),                   g.activity_ties_gain(),
                  g.committee_maintenance(),  g.reception_address_share(),      g.effect_half_life_weeks(),
                  g.sanction_effect(),        g.resentment_share(),             g.enforcer_hours_per_week(),
                  g.absentee_vote_share()};
  const auto& k = b.costs();
  p.costs = {k.survey_staff_hours_per_household(), k.home_visit_staff_hours(), k.reception_staff_hours_per_week(), k.reception_volunteer_hours_per_week(), k.reception_setup_yuan(), k.meeting_staff_hours(), k.meeting_volunteer_hours(), k.meeting_yuan(), k.organising_staff_hours(), k.party_contact_staff_hours(), k.accounts_volunteer_hours_per_month(), k.accounts_yuan_per_month(), k.cleaning_volunteer_hours_per_household_week(), k.cleaning_yuan_per_household_week(), k.works_staff_hours(), k.award_yuan_per_month(), k.award_volunteer_hours_per_month(), k.activity_yuan_per_month(), k.activity_volunteer_hours_per_month(), k.services_yuan_per_household_month(), k.services_staff_hours_per_week(), k.volunteer_hours_per_week()};
  const auto& mm = b.management_models();
  p.management_models = {mm.company_margin(),
                         mm.manager_service_level(),
                         mm.company_exit_collection(),
                         mm.company_exit_months(),
                         mm.trust_remuneration_per_household_month(),
                         mm.owners_committee_service_level(),
                         mm.owners_committee_vote_interval_months(),
                         mm.owners_committee_approval_months()};
  return p;
}

// A contract's terms; unset ones from behaviour.management_models.
ContractSpec to_contract(const courtyard::v1::ManagementContract& k, const Params& p) {
  const auto& d = p.management_models;
  ContractSpec out;
  out.margin = k.has_margin() ? k.margin() : d.company_margin;
  out.service_level = k.has_service_level() ? k.service_level() : d.manager_service_level;
  out.exit_collection = k.has_exit_collection() ? k.exit_collection() : d.company_exit_collection;
  // whole months; a default of any size means "never in this run" (a contract's own is at most 1200)
  out.exit_months = static_cast<int32_t>(std::lround(std::min(k.has_exit_months() ? k.exit_months() : d.company_exit_months, 1e6)));
  out.remuneration = k.has_remuneration_per_household_month() ? k.remuneration_per_household_month()
                                                               : d.trust_remuneration_per_household_month;
  return out;
}

ProposalSpec to_proposal(const courtyard::v1::Proposal& p) {
  ProposalSpec out;
  out.name = p.name();
  out.cost_per_household = p.cost_per_household();
  out.beneficiaries = static_cast<Beneficiaries>(p.beneficiaries());
  out.floors_from = p.floors_from();
  out.floors_to = p.floors_to();
  out.stairwells.assign(p.stairwells().begin(), p.stairwells().end());
  out.rule = static_cast<VotingRule>(p.rule());
  out.facility = p.has_facility() ? facility_from_name(p.facility()) : -1;
  return out;
}

InterventionType to_type(courtyard::v1::Intervention::ActionCase a) {
  switch (a) {
    case courtyard::v1::Intervention::kHardwareUpgrade: return InterventionType::kHardwareUpgrade;
    case courtyard::v1::Intervention::kFeeChange: return InterventionType::kFeeChange;
    case courtyard::v1::Intervention::kSubsidy: return InterventionType::kSubsidy;
    case courtyard::v1::Intervention::kManagementChange: return InterventionType::kManagementChange;
    case courtyard::v1::Intervention::kCleaning: return InterventionType::kCleaning;
    case courtyard::v1::Intervention::kReceptionStation: return InterventionType::kReceptionStation;
    case courtyard::v1::Intervention::kHouseholdSurvey: return InterventionType::kHouseholdSurvey;
    case courtyard::v1::Intervention::kHomeVisits: return InterventionType::kHomeVisits;
    case courtyard::v1::Intervention::kPartyBranch: return InterventionType::kPartyBranch;
    case courtyard::v1::Intervention::kResidentsCouncil: return InterventionType::kResidentsCouncil;
    case courtyard::v1::Intervention::kResidentsCommittee: return InterventionType::kResidentsCommittee;
    case courtyard::v1::Intervention::kCovenant: return InterventionType::kCovenant;
    case courtyard::v1::Intervention::kAwards: return InterventionType::kAwards;
    case courtyard::v1::Intervention::kServices: return InterventionType::kServices;
    case courtyard::v1::Intervention::kTransparencyBoard: return InterventionType::kTransparencyBoard;
    case courtyard::v1::Intervention::kActivity: return InterventionType::kActivity;
    case courtyard::v1::Intervention::kMeeting: return InterventionType::kMeeting;
    case courtyard::v1::Intervention::kLevy: return InterventionType::kLevy;
    case courtyard::v1::Intervention::kOneTwoThreeFour:
    case courtyard::v1::Intervention::kPackage: return InterventionType::kCount;  // expanded
    case courtyard::v1::Intervention::ACTION_NOT_SET: break;
  }
  return InterventionType::kCount;  // rejected by validation
}

}  // namespace

Model build_model(const LoadedScenario& loaded) {
  // the effective scenario, checked again: a hand-made LoadedScenario must not build a broken model
  courtyard::v1::Scenario spec = loaded.spec;
  fill_defaults(&spec);
  const FileOnlyLocator locator(loaded.path);
  if (auto problems = validate_scenario(spec, locator); !problems.empty()) throw ScenarioError(std::move(problems));

  Model m;
  // run settings
  const auto& run = spec.run();
  m.seed = run.seed();
  m.steps = run.steps();
  parse_date(run.start_date(), &m.start_date);
  m.output.metrics.assign(run.output().metrics().begin(), run.output().metrics().end());
  m.output.record_every = run.output().record_every();
  m.output.block_records = run.output().block_records();
  m.output.per_facility = run.output().per_facility();
  m.subdistrict_name = spec.subdistrict().name();
  m.subdistrict_budget = spec.subdistrict().budget_yuan();
  m.targeting = static_cast<Targeting>(spec.subdistrict().targeting());
  m.params = to_params(spec.behaviour());

  // names
  std::unordered_map<std::string, int32_t> community_id, kind_id, courtyard_id;
  for (const auto& c : spec.communities()) {
    community_id.emplace(c.name(), m.ncommunity());
    m.community_names.push_back(c.name());
    m.community_workers.push_back(c.workers());
    m.community_hours_per_worker.push_back(c.hours_per_worker_week());
    m.community_budget_per_year.push_back(c.budget_yuan_per_year());
  }
  for (const auto& k : spec.courtyard_kinds()) {
    kind_id.emplace(k.name(), static_cast<int32_t>(m.kind_names.size()));
    m.kind_names.push_back(k.name());
  }
  auto community_of = [&](const std::string& name) { return name.empty() ? 0 : community_id.at(name); };

  // explicit courtyards in file order, then each kind's generated ones
  for (const auto& cy : spec.courtyards()) {
    courtyard_id.emplace(cy.name(), m.ncourtyard());
    m.courtyards.push_back(to_spec(cy, cy.name(), -1, community_of(cy.community())));
    m.courtyards.back().contract = static_cast<int32_t>(m.contracts.size());
    m.contracts.push_back(to_contract(cy.contract(), m.params));
  }
  for (int32_t k = 0; k < spec.courtyard_kinds_size(); ++k) {
    const auto& kind = spec.courtyard_kinds(k);
    for (int n = 1; n <= kind.count(); ++n) {
      const int32_t id = m.ncourtyard();
      const std::string name = generated_courtyard_name(kind.name(), n);
      // communities dealt in turn
      const int32_t community =
          kind.communities_size() == 0 ? 0 : community_of(kind.communities((n - 1) % kind.communities_size()));
      courtyard_id.emplace(name, id);
      const courtyard::v1::Courtyard cy = generate(kind, m.seed, id);
      m.courtyards.push_back(to_spec(cy, name, k, community));
      m.courtyards.back().contract = static_cast<int32_t>(m.contracts.size());
      m.contracts.push_back(to_contract(cy.contract(), m.params));
    }
  }

  // each courtyard takes its community's housing demand (a default community has ordinary demand)
  for (auto& c : m.courtyards)
    c.housing_demand = c.community < spec.communities_size() ? spec.communities(c.community).housing_demand() : 1.0;

  for (const auto& name : run.output().household_snapshots())
    m.output.household_snapshots.push_back(courtyard_id.at(name));
  std::sort(m.output.household_snapshots.begin(), m.output.household_snapshots.end());
  m.output.household_snapshots.erase(std::unique(m.output.household_snapshots.begin(), m.output.household_snapshots.end()),
                                     m.output.household_snapshots.end());

  // household slices and the courtyards of each community
  m.household_offset.assign(1, 0);
  for (const auto& c : m.courtyards) m.household_offset.push_back(m.household_offset.back() + c.households);
  // (a counting sort: ids stay ascending within each community)
  m.community_offset.assign(m.ncommunity() + 1, 0);
  for (const auto& c : m.courtyards) ++m.community_offset[c.community + 1];
  for (int32_t c = 0; c < m.ncommunity(); ++c) m.community_offset[c + 1] += m.community_offset[c];
  m.community_courtyards.resize(m.courtyards.size());
  std::vector<int32_t> next(m.community_offset.begin(), m.community_offset.end() - 1);
  for (int32_t id = 0; id < m.ncourtyard(); ++id) m.community_courtyards[next[m.courtyards[id].community]++] = id;

  // agenda items every courtyard has: its open demands, and the covenant
  m.proposals.push_back(ProposalSpec{"the courtyard's open demands", 0, Beneficiaries::kEveryone, 0, 0, {},
                                     VotingRule::kMajorityPresent, -1});
  m.proposals.push_back(ProposalSpec{"residents' covenant", 0, Beneficiaries::kEveryone, 0, 0, {},
                                     VotingRule::kMajorityPresent, -1});

  // interventions
  bool owners_committee = false;  // does any courtyard come under an owners' committee?
  for (const auto& c : m.courtyards) owners_committee |= c.management == Management::kOwnersCommittee;
  for (const auto& iv : spec.interventions()) {
    InterventionSpec out;
    out.name = iv.name();
    out.type = to_type(iv.action_case());
    out.start_step = iv.start_step();
    out.end_step = iv.has_end_step() ? iv.end_step() : m.steps - 1;
    out.intensity = iv.intensity();
    out.cost_yuan = iv.cost_yuan();
    out.payer = static_cast<Payer>(iv.payer());
    // targets: all, or the union of named courtyards and a kind's, ascending
    const auto& t = iv.targets();
    const bool all = !iv.has_targets() || t.all() || (t.courtyards_size() == 0 && !t.has_kind());
    if (all) {
      for (int32_t id = 0; id < m.ncourtyard(); ++id) out.courtyards.push_back(id);
    } else {
      for (const auto& name : t.courtyards()) out.courtyards.push_back(courtyard_id.at(name));
      if (t.has_kind()) {
        const int32_t k = kind_id.at(t.kind());
        for (int32_t id = 0; id < m.ncourtyard(); ++id)
          if (m.courtyards[id].kind == k) out.courtyards.push_back(id);
      }
      std::sort(out.courtyards.begin(), out.courtyards.end());
      out.courtyards.erase(std::unique(out.courtyards.begin(), out.courtyards.end()), out.courtyards.end());
    }
    if (t.has_condition()) {
      std::string error;
      const auto cond = parse_condition(t.condition(), &error);
      out.condition_metric = cond->metric;
      out.condition_op = cond->op;
      out.condition_or_equal = cond->or_equal;
      out.condition_value = cond->value;
    }
    // type-specific values
    switch (iv.action_case()) {
      case courtyard::v1::Intervention::kHardwareUpgrade:
        for (const auto& f : iv.hardware_upgrade().facilities()) out.facilities.push_back(facility_from_name(f));
        break;
      case courtyard::v1::Intervention::kFeeChange: out.value = iv.fee_change().fee_per_month(); break;
      case courtyard::v1::Intervention::kSubsidy: out.value = iv.subsidy().yuan(); break;
      case courtyard::v1::Intervention::kManagementChange:
        out.management = to_management(iv.management_change().management());
        if (iv.management_change().has_contract()) {
          out.contract = static_cast<int32_t>(m.contracts.size());
          m.contracts.push_back(to_contract(iv.management_change().contract(), m.params));
        }
        if (out.management == Management::kOwnersCommittee) owners_committee = true;
        break;
      case courtyard::v1::Intervention::kCleaning: out.value = iv.cleaning().weekly_share(); break;
      case courtyard::v1::Intervention::kHomeVisits: out.value = iv.home_visits().coverage_per_week(); break;
      case courtyard::v1::Intervention::kServices: out.value = iv.services().level(); break;
      case courtyard::v1::Intervention::kCovenant: m.proposals[kProposalCovenant].rule = static_cast<VotingRule>(iv.covenant().rule()); break;
      case courtyard::v1::Intervention::kMeeting:
        out.caller = static_cast<Caller>(iv.meeting().caller());
        out.persuasion = iv.meeting().persuasion();
        out.proposal = kProposalDemands;
        if (iv.meeting().has_proposal()) {
          out.proposal = static_cast<int32_t>(m.proposals.size());
          m.proposals.push_back(to_proposal(iv.meeting().proposal()));
        }
        break;
      case courtyard::v1::Intervention::kLevy:
        out.proposal = static_cast<int32_t>(m.proposals.size());
        m.proposals.push_back(to_proposal(iv.levy().proposal()));
        break;
      case courtyard::v1::Intervention::kOneTwoThreeFour:
      case courtyard::v1::Intervention::kPackage: {
        const bool legacy = iv.has_one_two_three_four();
        const courtyard::v1::Package pkg = legacy ? case_package(iv.one_two_three_four()) : iv.package();
        for (auto& component : expand_package(pkg, out, m.params, legacy, m.steps, static_cast<int32_t>(m.interventions.size())))
          m.interventions.push_back(std::move(component));
        continue;
      }
      default: break;  // institutions: no values of their own
    }
    set_plain_act_hours(out, m.params);
    m.interventions.push_back(std::move(out));
  }

  // an owners' committee's agenda item: spending the fund on repairs, an ordinary matter under Civil
  // Code art. 278 (item 5, using the maintenance fund: more than half of participating owners and area)
  if (owners_committee) {
    m.repairs_proposal = static_cast<int32_t>(m.proposals.size());
    m.proposals.push_back(ProposalSpec{"spending the fund on repairs", 0, Beneficiaries::kEveryone, 0, 0, {},
                                       VotingRule::kArt278Ordinary, -1});
  }

  // identity: the effective scenario and its fingerprint
  m.scenario_name = spec.name().empty() ? std::filesystem::path(loaded.path).stem().string() : spec.name();
  m.scenario_text = scenario_to_text(spec);
  m.scenario_sha256 = sha256_hex(m.scenario_text);
  for (const auto& label : spec.labels()) m.labels.push_back(LabelSpec{label.key(), label.zh(), label.en()});
  return m;
}

}  // namespace courtyard
