// Packages: the 1-2-3-4 method as data (docs/governance.md, "Packages").
//
// A package is a list of components, each a named field of the Package message with its start month,
// duration, intensity, level and payer. It expands into one intervention per component: the component
// that starts first leads (it carries the package's start and condition), every other one starts in
// each courtyard its offset after the leader started there, and not before the components it needs
// have started. What each component costs (staff and volunteer hours, yuan, and who pays) comes from
// behaviour.costs; the table below holds what the case says of each (its month, its step) and what
// the engine assumes (its level, its payer, what it needs).
#include <algorithm>
#include <cmath>
#include <set>

#include "scenario/detail.h"
#include "scenario/scenario.h"

namespace courtyard::scenario_detail {

using Proto = courtyard::v1::Package;

struct ComponentKind {
  const char* name;          // the field of Package
  const char* label;         // what a trainer reads (in intervention names, the narrative, /parameters)
  InterventionType type;
  const char* step;          // the case's step it belongs to ("" for the platform, clears and levels)
  double month, end_month;   // the case's timeline (end_month < 0: to the end of the run)
  bool lasting;              // acts each week of its window
  Payer payer;               // who pays its yuan by default
  double level;              // default level (0: none)
  const char* needs[2];      // components that must have started first
};

// The case's order (shared/seed/DIGEST.md): the months are the engine's reading of the two years
// (docs/governance.md gives the timeline); levels, payers and needs are assumptions (docs/ODD.md 7.3).
constexpr ComponentKind kComponents[] = {
    {"platform", "reception station, staffed in turns", InterventionType::kReceptionStation, "", 0, -1, true, Payer::kSubdistrict, 0, {}},
    {"assets_survey", "survey of the assets", InterventionType::kAssetsSurvey, "", 1, -1, false, Payer::kCommunity, 0, {}},
    {"demands_survey", "survey of the demands", InterventionType::kHouseholdSurvey, "", 1, -1, false, Payer::kCommunity, 0, {}},
    {"home_visits", "home visits to every household", InterventionType::kHomeVisits, "", 1, 4, true, Payer::kCommunity, 0.15, {}},
    {"party_members_known", "party members make themselves known", InterventionType::kPartyBranch, "", 2, -1, false, Payer::kCommunity, 0, {}},
    {"three_level_meetings", "community meeting on the courtyard's demands", InterventionType::kMeeting, "", 2, -1, false, Payer::kCommunity, 0, {"demands_survey"}},
    {"party_branch", "courtyard party branch", InterventionType::kPartyBranch, "organisation", 3, -1, false, Payer::kCommunity, 0, {}},
    {"council", "residents' council", InterventionType::kResidentsCouncil, "organisation", 3, -1, false, Payer::kCommunity, 0, {}},
    {"council_meetings", "the council's meetings on the demands", InterventionType::kCouncilMeetings, "organisation", 3, -1, true, Payer::kCommunity, 0, {"council"}},
    {"committee", "residents' committee", InterventionType::kResidentsCommittee, "organisation", 3, -1, false, Payer::kCommunity, 0, {}},
    {"accounts_at_gate", "accounts posted at the gate", InterventionType::kTransparencyBoard, "organisation", 4, -1, true, Payer::kCommunity, 0, {"committee"}},
    {"cleaning_campaign", "clearing rubble", InterventionType::kCleaning, "hardware", 4, 6, true, Payer::kCommunity, 0.3, {}},
    {"hardware_works", "stairwells painted, garages repaired, cameras, residents' home", InterventionType::kHardwareUpgrade, "hardware", 5, -1, false, Payer::kSubdistrict, 0.9, {"assets_survey"}},
    {"covenant", "residents' covenant", InterventionType::kCovenant, "covenant", 9, -1, false, Payer::kCommunity, 0, {}},
    {"awards", "awards", InterventionType::kAwards, "covenant", 10, -1, true, Payer::kCommunity, 0, {"covenant"}},
    {"activities", "regular activities", InterventionType::kActivity, "covenant", 10, -1, true, Payer::kCommunity, 0, {}},
    {"services", "culture, health and elderly-care services", InterventionType::kServices, "services", 12, -1, true, Payer::kCommunity, 0.6, {}},
};
constexpr double kHardwareYuanPerHousehold = 400;  // the pilot's scenario (an assumption)

namespace {

const courtyard::v1::Component* component_of(const Proto& pkg, const ComponentKind& k) {
  const pb::FieldDescriptor* f = Proto::descriptor()->FindFieldByName(k.name);
  if (!pkg.GetReflection()->HasField(pkg, f)) return nullptr;
  return static_cast<const courtyard::v1::Component*>(&pkg.GetReflection()->GetMessage(pkg, f));
}

const ComponentKind* kind_named(std::string_view name) {
  for (const auto& k : kComponents)
    if (name == k.name) return &k;
  return nullptr;
}

// Components a `without` entry names: a component, or a step's components. "covenant" and "services"
// are both a component and a step; the step wins (its components include the component).
std::vector<const ComponentKind*> named_by(std::string_view name) {
  std::vector<const ComponentKind*> out;
  for (const auto& k : kComponents)
    if (name == k.step) out.push_back(&k);
  if (out.empty())
    if (const ComponentKind* k = kind_named(name)) out.push_back(k);
  return out;
}

// The components left out: those `without` names and, transitively, every component needing one.
std::set<std::string_view> left_out(const Proto& pkg) {
  std::set<std::string_view> out;
  for (const std::string& w : pkg.without())
    for (const ComponentKind* k : named_by(w)) out.insert(k->name);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& k : kComponents)
      for (const char* need : k.needs)
        if (need && out.count(need) && out.insert(k.name).second) grew = true;
  }
  return out;
}

}  // namespace

std::vector<std::string> package_left_out(const courtyard::v1::Package& pkg) {
  std::vector<std::string> out;
  const auto gone = left_out(pkg);
  for (const auto& k : kComponents)
    if (gone.count(k.name) && component_of(pkg, k)) out.emplace_back(k.name);
  return out;
}

courtyard::v1::Package case_package(const courtyard::v1::OneTwoThreeFour& legacy) {
  Proto pkg;
  pkg.set_weeks_per_month(legacy.weeks_per_month());
  const pb::Reflection* refl = pkg.GetReflection();
  for (const auto& k : kComponents) {
    auto* comp = static_cast<courtyard::v1::Component*>(refl->MutableMessage(&pkg, Proto::descriptor()->FindFieldByName(k.name)));
    comp->set_start_month(k.month);
    if (k.end_month >= 0) comp->set_duration_months(k.end_month - k.month);
    comp->set_intensity(1);
  }
  pkg.mutable_hardware_works()->set_yuan_per_household(legacy.hardware_yuan_per_household());
  using Step = courtyard::v1::OneTwoThreeFour;
  for (int s : legacy.without()) {
    switch (s) {
      case Step::STEP_ORGANISATION: pkg.add_without("organisation"); break;
      case Step::STEP_HARDWARE: pkg.add_without("hardware"); break;
      case Step::STEP_COVENANT: pkg.add_without("covenant"); break;
      case Step::STEP_SERVICES: pkg.add_without("services"); break;
      default: break;
    }
  }
  return pkg;
}

// The hours and yuan act `iv` takes (docs/ODD.md 7.19.4): `level` its level, `x` its intensity. In a
// package every part applies; a plain intervention takes the hours only (its yuan are its cost_yuan).
void set_act_costs(InterventionSpec& iv, const Params& params, double level, double x, bool founding) {
  const auto& k = params.costs;
  switch (iv.type) {
    case InterventionType::kReceptionStation:
      iv.cost_yuan = k.reception_setup_yuan;
      iv.staff_hours_per_week = k.reception_staff_hours_per_week * x;
      iv.volunteer_hours_per_week = k.reception_volunteer_hours_per_week * x;
      break;
    case InterventionType::kAssetsSurvey:
    case InterventionType::kHouseholdSurvey:
      iv.staff_hours_per_household = k.survey_staff_hours_per_household * x;
      break;
    case InterventionType::kHomeVisits:
      iv.staff_hours_per_household_week = k.home_visit_staff_hours * level * x;
      break;
    case InterventionType::kPartyBranch:
      iv.staff_hours = (founding ? k.organising_staff_hours : k.party_contact_staff_hours) * x;
      break;
    case InterventionType::kMeeting:
    case InterventionType::kCovenant:
      iv.staff_hours = k.meeting_staff_hours * x;
      iv.volunteer_hours = k.meeting_volunteer_hours;
      iv.cost_yuan = k.meeting_yuan;
      break;
    case InterventionType::kResidentsCouncil:
    case InterventionType::kResidentsCommittee: iv.staff_hours = k.organising_staff_hours * x; break;
    case InterventionType::kTransparencyBoard:
      iv.volunteer_hours_per_month = k.accounts_volunteer_hours_per_month * x;
      iv.yuan_per_month = k.accounts_yuan_per_month * x;
      break;
    case InterventionType::kCleaning:
      iv.volunteer_hours_per_household_week = k.cleaning_volunteer_hours_per_household_week * x;
      iv.yuan_per_household_week = k.cleaning_yuan_per_household_week * x;
      break;
    case InterventionType::kHardwareUpgrade: iv.staff_hours = k.works_staff_hours; break;
    case InterventionType::kLevy: iv.staff_hours_per_household = k.home_visit_staff_hours; break;
    case InterventionType::kAwards:
      iv.yuan_per_month = k.award_yuan_per_month * x;
      iv.volunteer_hours_per_month = k.award_volunteer_hours_per_month * x;
      break;
    case InterventionType::kActivity:
      iv.yuan_per_month = k.activity_yuan_per_month * x;
      iv.volunteer_hours_per_month = k.activity_volunteer_hours_per_month * x;
      break;
    case InterventionType::kServices:
      iv.yuan_per_household_month = k.services_yuan_per_household_month * level * x;
      iv.staff_hours_per_week = k.services_staff_hours_per_week * x;
      break;
    default: break;  // council meetings: the council's volunteers, per meeting (civic life)
  }
}

namespace {
// Months to weeks (steps), rounded, and held to [0, kMaxPackageSteps]: validation keeps months and
// weeks_per_month small, and the clamp keeps every sum of a few such offsets within int32_t whatever
// reaches here (a run has at most 100,000 steps, so the clamp changes no run).
constexpr int32_t kMaxPackageSteps = int32_t{1} << 28;
int32_t months_to_steps(double months, double weeks_per_month) {
  const double steps = months * weeks_per_month;
  if (!(steps >= 0)) return 0;
  if (steps >= kMaxPackageSteps) return kMaxPackageSteps;
  return static_cast<int32_t>(std::lround(steps));
}
}  // namespace

std::vector<Diagnostic> validate_package(const courtyard::v1::Package& pkg, const FieldPath& path,
                                         const Locator& locator) {
  std::vector<Diagnostic> out;
  auto fail = [&](const FieldPath& p, const std::string& message) {
    out.push_back(make_diagnostic(locator.locate(p), path_string(p), message));
  };
  const pb::Descriptor* root = courtyard::v1::Scenario::descriptor();
  auto sub = [&](const FieldPath& base, std::string_view name, int index = -1) { return at(root, base, name, index); };
  if (!(pkg.weeks_per_month() > 0) || !(pkg.weeks_per_month() <= kMaxWeeksPerMonth))
    fail(sub(path, "weeks_per_month"), "must be in (0, " + format_number(kMaxWeeksPerMonth) + "], got " +
                                           format_number(pkg.weeks_per_month()));
  for (int j = 0; j < pkg.without_size(); ++j)
    if (named_by(pkg.without(j)).empty())
      fail(sub(path, "without", j), "no component or step is called \"" + pkg.without(j) +
                                       "\" (components: the fields of Package; steps: organisation, hardware, "
                                       "covenant, services)");
  const auto gone = left_out(pkg);
  bool any = false;
  for (const auto& k : kComponents) {
    const courtyard::v1::Component* comp = component_of(pkg, k);
    if (!comp) continue;
    any = true;
    const FieldPath cp = sub(path, k.name);
    auto bounded = [&](double x, double hi, std::string_view field) {
      if (!(x >= 0 && x <= hi))
        fail(sub(cp, field), "must be in [0, " + format_number(hi) + "], got " + format_number(x));
    };
    auto months = [&](double x, std::string_view field) {
      if (!(x >= 0 && x <= kMaxPackageMonths))
        fail(sub(cp, field), "must be in [0, " + format_number(kMaxPackageMonths) + "] months, got " + format_number(x));
    };
    if (comp->has_start_month()) months(comp->start_month(), "start_month");
    if (comp->has_duration_months()) months(comp->duration_months(), "duration_months");
    bounded(comp->intensity(), kMaxRatio, "intensity");
    if (comp->has_yuan_per_household()) bounded(comp->yuan_per_household(), kMaxYuanPerHousehold, "yuan_per_household");
    if (comp->has_level() && !(comp->level() >= 0 && comp->level() <= 1))
      fail(sub(cp, "level"), "must be in [0, 1], got " + format_number(comp->level()));
    if (comp->has_payer() && comp->payer() == courtyard::v1::Intervention::PAYER_UNSPECIFIED)
      fail(sub(cp, "payer"), "must name a payer (PAYER_SUBDISTRICT, PAYER_COMMUNITY, PAYER_COURTYARD)");
    if (gone.count(k.name)) continue;
    for (const char* need : k.needs)
      if (need && !component_of(pkg, *kind_named(need)))
        fail(cp, std::string("needs the component \"") + need + "\", which the package does not have (add `" + need +
                     " {}` or leave this one out)");
  }
  if (!any) fail(path, "a package needs at least one component");
  return out;
}

std::vector<InterventionSpec> expand_package(const courtyard::v1::Package& pkg, const InterventionSpec& base,
                                             const Params& params, bool legacy_payer, int32_t steps,
                                             int32_t first_index) {
  const double month = pkg.weeks_per_month();
  const auto gone = left_out(pkg);
  struct Present {
    const ComponentKind* kind;
    const courtyard::v1::Component* comp;
    double from, to;  // months; to < 0: to the end of the run
  };
  std::vector<Present> present;
  for (const auto& kind : kComponents) {
    const courtyard::v1::Component* comp = component_of(pkg, kind);
    if (!comp || gone.count(kind.name)) continue;
    const double from = comp->has_start_month() ? comp->start_month() : kind.month;
    const double to = !kind.lasting ? -1
                      : comp->has_duration_months() ? from + comp->duration_months()
                      : comp->has_start_month() ? -1
                                                : kind.end_month;
    present.push_back({&kind, comp, from, to});
  }
  if (present.empty()) return {};
  // the leader: the earliest component (the first in the case's order among equals)
  const Present* lead = &present.front();
  for (const Present& p : present)
    if (p.from < lead->from) lead = &p;
  const int32_t lead_offset = months_to_steps(lead->from, month);

  std::vector<InterventionSpec> out;
  std::vector<std::string_view> names;
  auto add = [&](const Present& p) {
    const ComponentKind& kind = *p.kind;
    const courtyard::v1::Component& comp = *p.comp;
    InterventionSpec iv = base;
    iv.name = base.name + ": " + kind.label + " (" + kind.name + ")";
    iv.component = kind.name;
    iv.type = kind.type;
    iv.lasting = kind.lasting;
    iv.cost_yuan = 0;
    iv.cost_per_household_yuan = 0;
    const int32_t offset = months_to_steps(p.from, month);
    iv.start_step = base.start_step + offset;
    iv.end_step = p.to < 0 ? base.end_step
                           : std::min(base.end_step, base.start_step + months_to_steps(p.to, month));
    if (iv.start_step >= steps || iv.start_step > iv.end_step) return;
    if (&p != lead) {
      iv.follows = first_index;
      iv.offset_steps = offset - lead_offset;
      iv.condition_metric.clear();
      // a lasting component keeps its length after a late leader: its end counts from its own start
      if (p.to >= 0) iv.end_step = base.end_step;
      iv.duration_steps = p.to < 0 ? -1 : months_to_steps(p.to - p.from, month);
    }
    const double x = comp.intensity();
    const double level = comp.has_level() ? comp.level() : kind.level;
    iv.intensity = x;
    iv.value = level;
    iv.payer = comp.has_payer() ? static_cast<Payer>(comp.payer()) : kind.payer;
    if (kind.type == InterventionType::kMeeting) {
      iv.proposal = kProposalDemands;
      iv.caller = Caller::kCommunity;
      iv.persuasion = true;
    }
    set_act_costs(iv, params, level, x, kind.step[0] != 0);
    if (kind.type == InterventionType::kHardwareUpgrade) {
      // repaired to `level` (times the intensity, at most as new); the yuan scale with the intensity
      iv.intensity = std::min(1.0, level * x);
      iv.value = 0;
      iv.facilities = {kStairwells, kParking, kGate, kCommonRooms, kGreenery, kLighting};
      iv.cost_per_household_yuan = (comp.has_yuan_per_household() ? comp.yuan_per_household() : kHardwareYuanPerHousehold) * x;
      if (legacy_payer && !comp.has_payer()) iv.payer = base.payer;
    }
    out.push_back(std::move(iv));
    names.push_back(kind.name);
  };
  add(*lead);
  if (out.empty()) return {};
  for (const Present& p : present)
    if (&p != lead) add(p);
  // what each component needs, as intervention indices (a need outside the run's window is ignored)
  for (size_t i = 0; i < out.size(); ++i) {
    const ComponentKind* kind = kind_named(names[i]);
    for (const char* need : kind->needs) {
      if (!need) continue;
      const auto it = std::find(names.begin(), names.end(), std::string_view(need));
      if (it != names.end()) out[i].needs.push_back(first_index + static_cast<int32_t>(it - names.begin()));
    }
  }
  return out;
}

void set_plain_act_hours(InterventionSpec& iv, const Params& params) {
  const double cost_yuan = iv.cost_yuan;
  set_act_costs(iv, params, iv.value, iv.intensity, true);
  iv.cost_yuan = cost_yuan;
  iv.yuan_per_week = iv.yuan_per_household_week = iv.yuan_per_month = iv.yuan_per_household_month = 0;
  // a plain lasting act is bought, not done by the courtyard's volunteers: it does not wait for them
  iv.volunteer_hours_per_week = iv.volunteer_hours_per_household_week = iv.volunteer_hours_per_month = 0;
  if (iv.type == InterventionType::kMeeting && iv.caller == Caller::kCouncil) iv.staff_hours = 0;  // volunteers
}

}  // namespace courtyard::scenario_detail

namespace courtyard {

const std::vector<std::string>& package_component_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& k : scenario_detail::kComponents) out.emplace_back(k.name);
    return out;
  }();
  return names;
}

const std::vector<std::string>& package_step_names() {
  static const std::vector<std::string> names = {"organisation", "hardware", "covenant", "services"};
  return names;
}

}  // namespace courtyard
