// The monthly property fee. Each occupied household decides whether to pay: a logistic choice on its
// cooperation type's willingness given its belief about neighbours, its trust, satisfaction and means,
// its tenure, and whether anyone collects. Conditional cooperators match slightly less than they believe
// others give (Fischbacher & Gachter 2010), which makes payment decay where nothing props it up.
#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

double payment_probability(const Params& params, CoopType type, double belief, double trust,
                           double satisfaction, double ability, bool renter, bool managed, double pressure) {
  const auto& p = params.fee_payment;
  const double slope = params.cooperation.conditional_slope;
  // the type's schedule, as a probability, read in log-odds (kept off 0 and 1)
  auto schedule = [](double x) { return logit(std::clamp(x, 0.01, 0.99)); };
  double willingness = 0;
  switch (type) {
    case CoopType::kConditional: willingness = schedule(slope * belief); break;
    case CoopType::kFreeRider: willingness = p.free_rider_log_odds; break;
    case CoopType::kHump: willingness = schedule(slope * std::min(belief, 1.0 - belief)); break;
    case CoopType::kOther: willingness = 0; break;
  }
  double lo = p.intercept + willingness + p.trust_weight * (trust - 0.5) +
              p.satisfaction_weight * (satisfaction - 0.5) + p.ability_weight * (ability - 0.5);
  if (renter) lo -= p.renter_penalty;
  if (managed) lo += p.collection_effort;
  return logistic(lo + pressure);
}

void fee_payment(const Week& w, State& s, int32_t c) {
  if (!w.first_week_of_month) return;
  const Params& params = w.model.params;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);

  // the month's accounts as residents perceive them: improvements bought per yuan paid
  const double value_target = s.paid_month[c] > 0 ? clamp01(s.spent_month[c] / s.paid_month[c]) : 0.2;
  s.perceived_value[c] += 0.3 * (value_target - s.perceived_value[c]);

  // decisions
  StreamWords words(w.model.seed, Purpose::kFeePayment, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const bool managed = collects(s, c);  // nobody collects door to door without management
  const auto& g = params.governance;
  // what fades: the face-to-face discussion of the last meeting (half its effect, for those who were
  // there) and the last notice of the accounts at the gate (a written message, read by everyone)
  const double meeting = 0.5 * g.communication_effect * fade(s.weeks_since_meeting[c], g.effect_half_life_weeks);
  const double notice = (s.institutions[c] & kTransparency)
                            ? 0.5 * g.written_effect * fade(s.weeks_since_notice[c], g.effect_half_life_weeks)
                            : 0.0;
  const double custom = s.payment_custom[c] + notice;
  // the custom of paying fades by a month's worth
  s.payment_custom[c] *= static_cast<float>(fade(52.0 / 12.0, 52.0 * params.fee_payment.custom_half_life_years));
  int32_t due = 0, paid = 0;
  // a word for every slot so vacancies do not shift others' draws
  for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
    const double u = Stream::to_uniform(word);
    if (!occupied(s, h)) {
      s.flags[h] &= static_cast<uint8_t>(~kPaid);
      s.arrears[h] = 0;
      return;
    }
    ++due;
    // social pressure: the courtyard's custom, the notice, sanctions received, the meeting attended
    double pressure = custom + s.sanction[h];
    if (s.civic[h] & kAttended) pressure += meeting;
    const double prob = payment_probability(params, s.coop[h], s.belief[h], s.trust[h], s.satisfaction[h],
                                            s.ability[h], s.tenure[h] == Tenure::kRenter, managed, pressure);
    if (u < prob) {
      s.flags[h] |= kPaid;
      s.arrears[h] = 0;
      ++paid;
    } else {
      s.flags[h] &= static_cast<uint8_t>(~kPaid);
      if (s.arrears[h] < 255) ++s.arrears[h];
    }
  });
  const double income = paid * s.fee[c];
  // into the fund, less what the management model takes (life/management.cpp)
  bank_fees(w.model, s, c, income);
  s.paid_month[c] = income;
  s.spent_month[c] = 0;
  // basic services are paid first, as far as the fund goes (not seen as improvement)
  const CourtyardSpec& spec = w.model.courtyards[c];
  const double running_due = spec.running_cost_per_household_month * spec.households;
  s.fund[c] -= std::min(s.fund[c], running_due);
  // self-financing: the month's fees cover the month's running costs (due, paid or not) and what was
  // spent on cleaning and maintenance
  s.self_financing[c] = income > 0 && income >= running_due + s.costs_month[c];
  s.costs_month[c] = 0;
  const double rate = due > 0 ? static_cast<double>(paid) / due : 0.0;
  s.collection_rate[c] = static_cast<float>(rate);
  // the month's accounts go up at the gate: a written notice, fresh this week
  if (s.institutions[c] & kTransparency) s.weeks_since_notice[c] = 0;

  // beliefs: households learn how many paid through their ties (well connected: accurately), or
  // from the accounts posted at the gate (or shown by a trust-based manager), which everyone reads alike
  const double lr = params.cooperation.belief_learning_rate;
  const bool posted = accounts_posted(s, c);
  // a word for every flat (the stream's words after the decisions'); branch-free: a vacancy keeps its belief
  const Tenure* tenure = s.tenure.data();
  const float* ties = s.ties.data();
  float* belief = s.belief.data();
  if (posted) {
    const double accounts_noise = g.accounts_noise;
    for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
      const double noise = Stream::to_noise(word);
      const float b = belief[h];
      const float updated = b + static_cast<float>(lr * (clamp01(rate + accounts_noise * noise) - b));
      belief[h] = select_f(tenure[h] != Tenure::kVacant, updated, b);
    });
  } else {
    for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
      const double noise = Stream::to_noise(word);
      const float b = belief[h];
      const double observed = clamp01(rate + (1.0 - ties[h]) * 0.25 * noise);
      const float updated = b + static_cast<float>(lr * (0.3 + 0.7 * ties[h]) * (observed - b));
      belief[h] = select_f(tenure[h] != Tenure::kVacant, updated, b);
    });
  }
}

}  // namespace courtyard
