// The covenant's graduated sanctions, carried out by people (Ostrom 1990: graduated sanctions by
// monitors accountable to the users).
//
// Monthly, after the fees are collected: every household's received sanctions fade; then, where a
// covenant is in force, the enforcers (the party members once the branch has made them known, and
// under a council its stairwell leads and most engaged residents) go through the households that did
// not pay, stairwell by stairwell in slot order. The act escalates with the months in arrears: a
// reminder (1 month), a home visit (2), a notice at the gate (3 or more). Each act costs the enforcer
// hours; when the month's hours are spent, the rest of the queue waits for next month. The sanctioned
// household complies (its paying gains sanction_log_odds(level), fading with the effect half-life) or
// resents the act (it loses trust and gains nothing). So the covenant's effect on paying comes from
// who enforces and how often, not from a constant.
#include "core/rng.h"
#include "governance/governance.h"

namespace courtyard {

namespace {
// Hours an enforcer spends on one act (assumptions, docs/ODD.md 8.4).
constexpr double kActHours[4] = {0.0, 0.25, 1.0, 0.5};  // -, reminder, home visit, notice at the gate
constexpr double kWeeksPerMonth = 52.0 / 12.0;
constexpr float kEngagedVolunteer = 0.7f;      // engagement from which a resident helps enforce
constexpr float kResentmentTrustLoss = 0.05f;  // trust lost per level of a resented act
}  // namespace

int32_t covenant_enforcers(const Model& m, const State& s, int32_t c) {
  const uint16_t inst = s.institutions[c];
  int32_t enforcers = 0;
  for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) {
    if (!occupied(s, h)) continue;
    const bool party = (inst & kPartyBranch) && (s.flags[h] & kParty);
    const bool volunteer = (inst & kCouncil) && s.engagement[h] >= kEngagedVolunteer;
    enforcers += party || volunteer;
  }
  if (inst & kCouncil) enforcers += m.courtyards[c].stairwells;  // a lead for each stairwell
  return enforcers;
}

int32_t courtyard_volunteers(const Model& m, const State& s, int32_t c) {
  const uint16_t inst = s.institutions[c];
  int32_t volunteers = 0;
  for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) {
    if (!occupied(s, h)) continue;
    const bool party = (inst & kPartyBranch) && (s.flags[h] & kParty);
    volunteers += party || s.engagement[h] >= kEngagedVolunteer;
  }
  if (inst & kCouncil) volunteers += m.courtyards[c].stairwells;
  return volunteers;
}

void enforce_covenant(const Week& w, State& s, int32_t c) {
  if (!w.first_week_of_month) return;
  const Model& m = w.model;
  const Params& p = m.params;
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const float kept = static_cast<float>(fade(kWeeksPerMonth, p.governance.effect_half_life_weeks));
  for (int64_t h = h0; h < h1; ++h) s.sanction[h] *= kept;
  if (!(s.institutions[c] & kCovenant)) return;

  double hours = covenant_enforcers(m, s, c) * p.governance.enforcer_hours_per_week * kWeeksPerMonth;
  Stream r(m.seed, Purpose::kSanctions, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  int32_t acts = 0;
  double spent = 0;
  for (int64_t h = h0; h < h1; ++h) {
    const double u = r.uniform();  // drawn for every flat: the queue does not shift others' draws
    if (!occupied(s, h) || s.arrears[h] == 0) continue;
    const int level = s.arrears[h] >= 3 ? 3 : s.arrears[h];
    if (hours < kActHours[level]) continue;  // too long for what is left; a shorter act may still fit
    hours -= kActHours[level];
    spent += kActHours[level];
    ++acts;
    if (u < resentment_probability(p, level)) {
      s.trust[h] = clamp01f(s.trust[h] - kResentmentTrustLoss * static_cast<float>(level));
    } else {
      s.sanction[h] += static_cast<float>(sanction_log_odds(p, level));
    }
  }
  s.sanctions[c] += acts;
  s.enforcement_hours[c] += static_cast<float>(spent);
  s.volunteer_hours[c] += static_cast<float>(spent);  // enforcers are volunteers
}

}  // namespace courtyard
