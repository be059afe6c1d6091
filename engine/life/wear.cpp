// Facilities wear with age, fail suddenly when worn, and are repaired from the fund when someone
// manages the courtyard. Also the derived quantities that other processes read.
#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

double condition_index(const State& s, int32_t c) {
  double sum = 0;
  for (int f = 0; f < kFacilityCount; ++f) sum += kFacilityCostWeight[f] * s.condition[c * kFacilityCount + f];
  return sum;
}

double visible_condition(const State& s, int32_t c) {
  double sum = 0;
  for (int f = 0; f < kFacilityCount; ++f) sum += kFacilityVisibility[f] * s.condition[c * kFacilityCount + f];
  return sum;
}

double environment_quality(const State& s, int32_t c) {
  return 0.5 * visible_condition(s, c) + 0.5 * (1.0 - s.disorder[c]);
}

double disorder_cue(const State& s, int32_t c) {
  // a cue of either kind (litter and occupied space, or damage) signals that norms are not kept
  return clamp01(0.6 * s.disorder[c] + 0.4 * (1.0 - visible_condition(s, c)));
}

void wear_and_failures(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.decay;
  const CourtyardSpec& spec = w.model.courtyards[c];
  const double age = std::max(0.0, w.year - spec.build_year);
  const double wear = p.base_wear_per_week * (1.0 + p.wear_age_factor * age);
  Stream r(w.model.seed, Purpose::kWear, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  for (int f = 0; f < kFacilityCount; ++f) {
    float& cond = s.condition[c * kFacilityCount + f];
    // gradual wear: exponential with the age-dependent mean
    cond = clamp01f(static_cast<float>(cond + wear * std::log(r.uniform_pos())));
    // sudden failure, likelier the more worn: a leaking roof, a blocked drain
    const double worn = 1.0 - cond;
    if (r.bernoulli(p.failure_prob_at_zero * worn * worn)) {
      cond = clamp01f(static_cast<float>(cond - p.failure_drop));
      if (s.urgent_demands[c] < kMaxUrgentDemands) s.urgent_demands[c] += 1;  // an urgent demand everyone sees
      Event e;
      e.step = w.step;
      e.courtyard = c;
      e.type = EventType::kFacilityFailure;
      e.subject = f;
      e.share = cond;
      w.events.push(c, e);
    }
  }
}

// Cost in yuan of raising facility f of courtyard c by `gain` condition.
static double repair_cost(const Model& m, int32_t c, int f, double gain) {
  return gain * m.params.decay.repair_cost_per_household * m.courtyards[c].households * kFacilityCostWeight[f];
}

void maintenance(const Week& w, State& s, int32_t c) {
  // only an organisation (residents' committee or company) spends the fund on upkeep
  if (s.management[c] == Management::kNone) {
    s.cleaning_paid[c] = 0;
    return;
  }
  const Model& m = w.model;
  const CourtyardSpec& spec = m.courtyards[c];

  // cleaning is paid monthly with the fees; without money it stops
  if (w.first_week_of_month) {
    const double cleaning = m.params.broken_windows.cleaning_cost_per_household_month * spec.households;
    s.cleaning_paid[c] = s.fund[c] >= cleaning;
    if (s.cleaning_paid[c]) {
      s.fund[c] -= cleaning;
      s.spent_month[c] += cleaning;
      s.costs_month[c] += cleaning;
    }
  }

  // an owners' committee pays for repairs only while an adopted vote authorises it
  if (!repairs_allowed(w.step, s, c)) return;

  // routine budget for the week, plus urgent repairs of failed facilities when the fund allows
  double budget = std::min(s.fund[c], s.maintenance_rate[c] * spec.households * 12.0 / 52.0);
  for (int f = 0; f < kFacilityCount; ++f) {
    float& cond = s.condition[c * kFacilityCount + f];
    if (cond < 0.3f) {
      const double gain = 0.7 - cond;
      const double cost = repair_cost(m, c, f, gain);
      if (s.fund[c] - budget >= cost) budget += cost;  // urgent: draw on the reserve
    }
  }
  if (budget <= 0) return;

  // worst facility first, until the budget is spent
  for (int pass = 0; pass < kFacilityCount && budget > 1e-9; ++pass) {
    int worst = 0;
    for (int f = 1; f < kFacilityCount; ++f)
      if (s.condition[c * kFacilityCount + f] < s.condition[c * kFacilityCount + worst]) worst = f;
    float& cond = s.condition[c * kFacilityCount + worst];
    if (cond >= 0.999f) break;
    const double full_cost = repair_cost(m, c, worst, 1.0 - cond);  // > 0: validated
    const double spend = std::min(budget, full_cost);
    const double gain = (1.0 - cond) * spend / full_cost;
    cond = clamp01f(static_cast<float>(cond + gain));
    budget -= spend;
    s.fund[c] -= spend;
    s.spent_month[c] += spend;
    s.costs_month[c] += spend;
    if (gain >= 0.1) {
      Event e;
      e.step = w.step;
      e.courtyard = c;
      e.type = EventType::kRepair;
      e.subject = worst;
      e.amount = spend;
      e.share = cond;
      e.outcome = 1;
      w.events.push(c, e);
    }
  }
}

}  // namespace courtyard
