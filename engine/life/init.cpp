// Initial state of a courtyard: facilities, fund, and one household per flat.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "life/fee_decision.h"
#include "life/life.h"

namespace courtyard {

namespace {

CoopType draw_coop_type(const Params& p, double u) {
  const auto& c = p.cooperation;
  if (u < c.conditional_share) return CoopType::kConditional;
  if (u < c.conditional_share + c.free_rider_share) return CoopType::kFreeRider;
  if (u < c.conditional_share + c.free_rider_share + c.hump_share) return CoopType::kHump;
  return CoopType::kOther;
}

}  // namespace

void settle_newcomer(const Model& m, State& s, int32_t c, int64_t h, Tenure tenure, double ability,
                     uint32_t draw_a, uint32_t draw_b) {
  const Params& p = m.params;
  Stream r(m.seed, Purpose::kNewcomer, static_cast<uint32_t>(c), draw_a, draw_b);
  const double cue = disorder_cue(s, c);
  s.tenure[h] = tenure;
  s.coop[h] = draw_coop_type(p, r.uniform());
  s.flags[h] = 0;
  s.demands[h] = 0;
  s.civic[h] = 0;
  s.visited_step[h] = 0;
  s.ability[h] = static_cast<float>(ability >= 0 ? ability : clamp01(r.normal(0.5 - 0.2 * cue, 0.18)));
  s.years[h] = 0.f;
  s.engagement[h] = static_cast<float>(clamp01(r.normal(0.25, 0.1)));
  s.trust[h] = static_cast<float>(clamp01(r.normal(0.45, 0.1)));
  s.satisfaction[h] = static_cast<float>(clamp01(r.normal(satisfaction_target(m, s, c, 0), 0.1)));
  s.ties[h] = static_cast<float>(p.ties.newcomer_ties);
  s.norms[h] = static_cast<float>(clamp01(r.normal(0.6 - 0.15 * cue, 0.15)));
  // a newcomer guesses payment from what it hears on arrival
  s.belief[h] = static_cast<float>(clamp01(r.normal(s.collection_rate[c], 0.15)));
  s.arrears[h] = 0;
  s.sanction[h] = 0.f;
  s.mover_ability[h] = -1.f;
}

// The courtyard's custom of paying: the log-odds k that, added to every resident household's payment
// decision, makes the expected share that pays equal the stated collection (a constant calibrated to
// observed shares, as discrete-choice models calibrate their alternative-specific constants; Train
// 2009, section 2.8). Without it, the stated collection would not be a state the model holds: the
// household rules alone would take the courtyard elsewhere in the first month. The expectation is
// monotone in k, so bisection finds it.
static double payment_custom(const Model& m, const State& s, int32_t c, double stated) {
  const Params& p = m.params;
  const bool managed = collects(s, c);
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  // each resident's log-odds before the custom, once (payment_probability's own operations, so the same
  // doubles as calling it with pressure k)
  std::vector<double> log_odds;
  log_odds.reserve(static_cast<size_t>(h1 - h0));
  for (int64_t h = h0; h < h1; ++h)
    if (occupied(s, h))
      log_odds.push_back(payment_log_odds(p, s.coop[h], s.belief[h], s.trust[h], s.satisfaction[h], s.ability[h],
                                    s.tenure[h] == Tenure::kRenter, managed));
  const int64_t n = static_cast<int64_t>(log_odds.size());
  auto expected = [&](double k) {
    double sum = 0;
    for (const double x : log_odds) sum += logistic(x + k);
    return n > 0 ? sum / n : stated;
  };
  if (stated <= 0.001 || stated >= 0.999) stated = std::clamp(stated, 0.001, 0.999);
  // expected(k) < stated, decided from a fast sum where it is clear by the proved margin (life/fee_decision.h,
  // fee_logistic_sum_fast), else from expected(k) itself: the same comparisons, so the same k
  bool fast = n > 0;
  for (const double x : log_odds) fast = fast && std::fabs(x) <= 588;  // keeps |x + k| <= 600; NaN fails
  const double margin = fee_mean_margin(n);
  auto below = [&](double k) {
    if (fast) {
      const double mean = fee_logistic_sum_fast(log_odds.data(), n, k) / static_cast<double>(n);
      if (mean < stated - margin) return true;
      if (mean >= stated + margin) return false;
    }
    return expected(k) < stated;
  };
  double lo = -12, hi = 12;
  for (int i = 0; i < 40; ++i) {
    const double mid = 0.5 * (lo + hi);
    (below(mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void init_courtyard(const Model& m, State& s, int32_t c) {
  const Params& p = m.params;
  const CourtyardSpec& spec = m.courtyards[c];

  // courtyard
  Stream rc(m.seed, Purpose::kInitHouseholds, static_cast<uint32_t>(c), 0xFFFFFFFFu, 0);
  for (int f = 0; f < kFacilityCount; ++f)
    s.condition[c * kFacilityCount + f] = clamp01f(static_cast<float>(rc.normal(spec.initial_condition, 0.05)));
  s.disorder[c] = spec.initial_disorder;
  s.fund[c] = spec.initial_fund;
  s.fee[c] = spec.fee_per_month;
  s.management[c] = spec.management;
  s.collection_rate[c] = static_cast<float>(spec.initial_collection);
  s.perceived_value[c] = spec.initial_trust;
  s.spent_month[c] = 0;
  s.paid_month[c] = 0;
  s.cleaning_share[c] = 0.f;
  s.institutions[c] = 0;
  s.maintenance_rate[c] = spec.maintenance_per_household_month;
  s.services_level[c] = 0.f;
  s.visit_coverage[c] = 0.f;
  s.joint_history[c] = static_cast<float>(spec.joint_payment_history);
  s.weeks_since_meeting[c] = 1 << 20;  // never
  s.meetings[c] = 0;
  s.last_attendance[c] = std::numeric_limits<float>::quiet_NaN();
  s.levy_proposal[c] = -1;
  s.levy_weeks_left[c] = 0;
  s.levy_adopted[c] = 0;
  s.last_levy_share[c] = std::numeric_limits<float>::quiet_NaN();
  s.costs_month[c] = 0;
  s.self_financing[c] = 0;
  s.open_demands[c] = 0;
  s.urgent_demands[c] = 0;
  // cleaning is paid in the first week of each month; until then, as if the last month's was paid
  s.cleaning_paid[c] = spec.management != Management::kNone &&
                       spec.initial_fund >= p.broken_windows.cleaning_cost_per_household_month * spec.households;
  s.violations[c] = s.move_outs[c] = s.move_ins[c] = s.leavers[c] = 0;
  s.move_outs_owner[c] = s.move_outs_renter[c] = s.owner_weeks[c] = s.renter_weeks[c] = 0;
  s.sanctions[c] = 0;
  s.enforcement_hours[c] = 0.f;
  s.contract[c] = spec.contract;
  s.low_collection_months[c] = 0;
  s.repairs_approved_until[c] = 0;
  s.repairs_vote_step[c] = -(1 << 20);  // never
  s.manager_take_month[c] = 0;
  s.weeks_since_notice[c] = 1 << 20;  // never
  // the descriptive norm residents infer from the order they see at the start (litter and damage)
  s.tidy_norm[c] = static_cast<float>(1.0 - disorder_cue(s, c));

  // households: flats dealt to stairwells in blocks, floors bottom-up within a stairwell
  const int64_t h0 = first_household(m, c), n = spec.households;
  const double building_age = std::max(0.0, m.start_date.year - spec.build_year + 0.0);
  const double satisfaction = satisfaction_target(m, s, c, 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t h = h0 + i;
    Stream r(m.seed, Purpose::kInitHouseholds, static_cast<uint32_t>(c), static_cast<uint32_t>(i), 0);
    const int64_t per_stairwell = (n + spec.stairwells - 1) / spec.stairwells;
    const int64_t in_stairwell = i % per_stairwell;
    s.stairwell[h] = static_cast<uint8_t>(std::min<int64_t>(i / per_stairwell, 255));
    // floors spread evenly over the stairwell's flats, ground floor first
    const int64_t in_this = std::min<int64_t>(per_stairwell, n - (i / per_stairwell) * per_stairwell);
    s.floor[h] = static_cast<uint8_t>(1 + in_stairwell * spec.floors / in_this);

    const double u = r.uniform();
    const Tenure tenure = u < spec.owner_share                      ? Tenure::kOwner
                          : u < spec.owner_share + spec.renter_share ? Tenure::kRenter
                                                                     : Tenure::kVacant;
    s.tenure[h] = tenure;
    s.coop[h] = draw_coop_type(p, r.uniform());
    const bool renter = tenure == Tenure::kRenter;
    uint8_t flags = 0;
    if (tenure != Tenure::kVacant && r.bernoulli(spec.party_member_share)) flags |= kParty;
    if (tenure != Tenure::kVacant && r.bernoulli(spec.initial_collection)) flags |= kPaid;
    s.flags[h] = flags;
    s.demands[h] = 0;
    s.civic[h] = 0;
    s.visited_step[h] = 0;
    s.ability[h] = static_cast<float>(clamp01(r.normal(renter ? 0.45 : 0.55, 0.18)));
    // owners of a work-unit dormitory have often lived there since it was built
    const double years = renter ? -2.0 * std::log(r.uniform_pos()) : r.uniform(0, std::max(1.0, building_age));
    s.years[h] = static_cast<float>(years);
    const double tie_level = 1.0 - std::exp(-p.ties.growth_per_year * years);
    s.ties[h] = static_cast<float>(clamp01(p.ties.newcomer_ties + (1 - p.ties.newcomer_ties) * tie_level *
                                           r.uniform(0.6, 1.0)));
    s.engagement[h] = static_cast<float>(clamp01(r.normal((flags & kParty) ? 0.6 : 0.35, 0.12)));
    s.trust[h] = static_cast<float>(clamp01(r.normal(spec.initial_trust, 0.1)));
    s.satisfaction[h] = static_cast<float>(clamp01(r.normal(satisfaction, 0.1)));
    s.norms[h] = static_cast<float>(clamp01(r.normal(0.65, 0.15)));
    s.belief[h] = static_cast<float>(clamp01(r.normal(spec.initial_collection, 0.1)));
    s.arrears[h] = (flags & kPaid) || tenure == Tenure::kVacant ? 0 : 1;
    s.sanction[h] = 0.f;
    s.mover_ability[h] = -1.f;
  }
  s.payment_custom[c] = static_cast<float>(payment_custom(m, s, c, spec.initial_collection));
}

}  // namespace courtyard
