// Levies: money asked of every household for a joint repair or improvement.
//
// A household's willingness: the levy intercept, its own benefit (roof insulation helps the top floor:
// competing fairness norms, Reuben & Riedl 2013), trust, means, tenure and type, and the social pressure
// of an adopted decision and of the covenant; face-to-face discussion and persuasion that appeals to the
// courtyard's history of paying together raise it. The levy goes ahead when enough households paid;
// otherwise it fails and is refunded. Either way the courtyard remembers how it went.
#include <cmath>

#include "core/rng.h"
#include "governance/governance.h"

namespace courtyard {

namespace {


int32_t followup_weeks(const Model& m) {
  return static_cast<int32_t>(std::lround(m.params.governance.levy_followup_weeks));
}

// One round of asking the households that have not paid yet.
void ask_round(const Week& w, State& s, int32_t c, int32_t round) {
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const bool persuade = s.levy_adopted[c] == 2;
  Stream r(w.model.seed, Purpose::kLevy, static_cast<uint32_t>(c), static_cast<uint32_t>(round),
           static_cast<uint32_t>(w.step));
  for (int64_t h = h0; h < h1; ++h) {
    const double u = r.uniform();
    if (!occupied(s, h) || (s.civic[h] & kLevyPaid)) continue;
    s.civic[h] |= kLevyAsked;
    if (persuade && round > 0) s.civic[h] |= kPersuaded;  // patient explanation at the door
    if (u < logistic(levy_log_odds(w, s, c, h, s.levy_proposal[c]))) s.civic[h] |= kLevyPaid;
  }
}

void close_levy(const Week& w, State& s, int32_t c) {
  const Model& m = w.model;
  const ProposalSpec& p = m.proposals[s.levy_proposal[c]];
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  int32_t asked = 0, paid = 0;
  for (int64_t h = h0; h < h1; ++h) {
    asked += (s.civic[h] & kLevyAsked) != 0;
    paid += (s.civic[h] & kLevyPaid) != 0;
    // remembered for the household snapshots only: this levy's asked / paid / persuaded
    const uint8_t last = static_cast<uint8_t>(((s.civic[h] & kLevyAsked) ? kLastLevyAsked : 0) |
                                              ((s.civic[h] & kLevyPaid) ? kLastLevyPaid : 0) |
                                              ((s.civic[h] & kPersuaded) ? kLastLevyPersuaded : 0));
    s.civic[h] &= static_cast<uint8_t>(~(kLevyAsked | kLevyPaid | kPersuaded | kLastLevyAsked | kLastLevyPaid |
                                         kLastLevyPersuaded));
    s.civic[h] |= last;
  }
  const double share = asked > 0 ? static_cast<double>(paid) / asked : 0.0;
  const bool success = share >= m.params.governance.levy_success_share;
  const double money = paid * p.cost_per_household;
  if (success) {
    // the money is spent on what was asked for, where everyone sees it
    if (p.facility >= 0) s.condition[c * kFacilityCount + p.facility] = 1.f;
    s.spent_month[c] += money;
  }
  // the memory of paying together (or of failing to)
  s.joint_history[c] = static_cast<float>(0.5 * s.joint_history[c] + 0.5 * (success ? 1.0 : share));
  s.last_levy_share[c] = static_cast<float>(share);

  Event e;
  e.step = w.step;
  e.courtyard = c;
  e.type = EventType::kLevy;
  e.subject = s.levy_proposal[c];
  e.attendees = asked;
  e.yes = paid;
  e.amount = success ? money : 0.0;
  e.share = static_cast<float>(share);
  e.outcome = success;
  w.events.push(c, e);
  s.levy_proposal[c] = -1;
  s.levy_weeks_left[c] = 0;
  s.levy_adopted[c] = 0;
}

}  // namespace

double levy_log_odds(const Week& w, const State& s, int32_t c, int64_t h, int32_t proposal) {
  const Model& m = w.model;
  const auto& g = m.params.governance;
  const auto& f = m.params.fee_payment;
  const ProposalSpec& p = m.proposals[proposal];
  const bool benefit = p.benefits(s.floor[h], s.stairwell[h]);
  double lo = g.levy_intercept + (benefit ? g.levy_benefit_weight : 0.0) + f.trust_weight * (s.trust[h] - 0.5) +
              f.ability_weight * (s.ability[h] - 0.5);
  if (s.tenure[h] == Tenure::kRenter) lo -= f.renter_penalty;
  if (s.coop[h] == CoopType::kFreeRider) lo += 0.5 * f.free_rider_log_odds;
  lo += s.sanction[h];  // sanctions received under the covenant weigh on every payment asked
  if (s.civic[h] & kAttended) lo += g.communication_effect * fade(s.weeks_since_meeting[c], g.effect_half_life_weeks);
  if (s.civic[h] & kPersuaded) lo += g.persuasion_effect * s.joint_history[c];
  if (s.levy_adopted[c] && s.levy_proposal[c] == proposal) lo += g.decision_pressure;
  return lo;
}

void start_levy(const Week& w, State& s, int32_t c, int32_t proposal, bool adopted, bool persuasion) {
  if (s.levy_proposal[c] >= 0) close_levy(w, s, c);  // one levy at a time: the open one is settled
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  for (int64_t h = h0; h < h1; ++h) s.civic[h] &= static_cast<uint8_t>(~(kLevyAsked | kLevyPaid));
  s.levy_proposal[c] = proposal;
  s.levy_adopted[c] = adopted ? (persuasion ? 2 : 1) : 0;
  s.levy_weeks_left[c] = adopted ? followup_weeks(w.model) : 0;
  ask_round(w, s, c, 0);
  if (s.levy_weeks_left[c] == 0) close_levy(w, s, c);
}

// Follow-up visits, week by week, until the levy closes (called from civic_life).
void follow_up_levy(const Week& w, State& s, int32_t c) {
  if (s.levy_proposal[c] < 0) return;
  const int32_t round = followup_weeks(w.model) - s.levy_weeks_left[c] + 1;
  ask_round(w, s, c, round);
  if (--s.levy_weeks_left[c] <= 0) close_levy(w, s, c);
}

}  // namespace courtyard
