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
  double willingness = 0;
  switch (type) {
    case CoopType::kConditional: willingness = p.belief_weight * (slope * belief - 0.5); break;
    case CoopType::kFreeRider: willingness = p.free_rider_log_odds; break;
    case CoopType::kHump: {
      // willing while some others pay, less so when nearly everyone does
      const double hump = 1.0 - std::fabs(2.0 * belief - 1.0);
      willingness = p.belief_weight * (slope * hump - 0.5);
      break;
    }
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
  Stream r(w.model.seed, Purpose::kFeePayment, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const bool managed = s.management[c] != Management::kNone;
  const auto& g = params.governance;
  const bool covenant = s.institutions[c] & kCovenant;
  const bool recent_meeting = s.weeks_since_meeting[c] < 26;
  int32_t due = 0, paid = 0;
  for (int64_t h = h0; h < h1; ++h) {
    const double u = r.uniform();  // drawn for every slot so vacancies do not shift others' draws
    if (!occupied(s, h)) {
      s.flags[h] &= static_cast<uint8_t>(~kPaid);
      continue;
    }
    ++due;
    // social pressure: the covenant's graduated sanctions (again for last month's non-payers), and the
    // face-to-face discussion of a recent meeting (half its effect, fading with time: assumption)
    double pressure = 0;
    // (a newcomer, who could not have paid last time, is not treated as a non-payer)
    const bool paid_last = (s.flags[h] & kPaid) || s.years[h] < 1.0f / 12.0f;
    if (covenant) pressure += g.covenant_pressure * (paid_last ? 1.0 : 2.0);
    if (recent_meeting && (s.civic[h] & kAttended)) pressure += 0.5 * g.communication_effect;
    const double prob = payment_probability(params, s.coop[h], s.belief[h], s.trust[h], s.satisfaction[h],
                                            s.ability[h], s.tenure[h] == Tenure::kRenter, managed, pressure);
    if (u < prob) {
      s.flags[h] |= kPaid;
      ++paid;
    } else {
      s.flags[h] &= static_cast<uint8_t>(~kPaid);
    }
  }
  const double income = paid * s.fee[c];
  s.fund[c] += income;
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

  // beliefs: households learn how many paid through their ties (well connected: accurately), or
  // from the accounts posted at the gate, which everyone reads alike
  const double lr = params.cooperation.belief_learning_rate;
  const bool posted = s.institutions[c] & kTransparency;
  for (int64_t h = h0; h < h1; ++h) {
    const double noise = r.noise();  // drawn for every flat
    if (!occupied(s, h)) continue;
    if (posted) {
      s.belief[h] += static_cast<float>(lr * (clamp01(rate + g.accounts_noise * noise) - s.belief[h]));
      continue;
    }
    const double observed = clamp01(rate + (1.0 - s.ties[h]) * 0.25 * noise);
    s.belief[h] += static_cast<float>(lr * (0.3 + 0.7 * s.ties[h]) * (observed - s.belief[h]));
  }
}

}  // namespace courtyard
