// fee_payment (life/fees.cpp, the fast decision with the exact fallback) against the phase as it was before
// (8dc08a0, each household deciding `u < payment_probability(...)`, copied below verbatim): the whole state
// after the phase must be equal, on reference scenarios with meetings, notices, sanctions and every
// management model, and with arrears at the 255 cap.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.h"
#include "life/life.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

// The phase as it was (only the name changed).
void fee_payment_before(const Week& w, State& s, int32_t c) {
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


void expect_same_phase(const std::string& scenario, int steps) {
  const Model m = testing::model_from_file(scenario, {"run.steps=" + std::to_string(steps)});
  Simulation sim(m);
  std::vector<Event> slots(static_cast<size_t>(m.ncourtyard()) * 64);
  std::vector<int32_t> counts(m.ncourtyard());
  std::vector<std::vector<Event>> overflow(m.ncourtyard());
  int64_t households = 0, paid = 0;
  for (int step = 0; step < steps; ++step) {
    sim.step();
    State now = sim.state(), before = sim.state();
    // arrears at and near the cap in a few households of each state
    for (int64_t h = 0; h < m.nhousehold(); h += 7) now.arrears[h] = before.arrears[h] = (h / 7) % 2 ? 255 : 254;
    const Week w{m, sim.state().step, 2015.0, true, EventSlots{slots.data(), counts.data(), overflow.data(), 64}};
    for (int32_t c = 0; c < m.ncourtyard(); ++c) {
      fee_payment(w, now, c);
      fee_payment_before(w, before, c);
    }
    ASSERT_TRUE(now == before) << scenario << ": the state differs after the fee phase at step " << step;
    for (int64_t h = 0; h < m.nhousehold(); ++h) {
      households += now.tenure[h] != Tenure::kVacant;
      paid += (now.flags[h] & kPaid) != 0;
    }
  }
  std::printf("%s: %d months compared, %lld household decisions, %lld paid\n", scenario.c_str(), steps,
              static_cast<long long>(households), static_cast<long long>(paid));
  EXPECT_GT(paid, 0);
  EXPECT_LT(paid, households);
}

TEST(FeePayment, SameStateAsBeforeOnThePilot) { expect_same_phase("scenarios/jiangdong_minju_pilot.txtpb", 104); }

TEST(FeePayment, SameStateAsBeforeUnderEveryManagementModel) {
  expect_same_phase("scenarios/management_models.txtpb", 60);
}

}  // namespace
}  // namespace courtyard
