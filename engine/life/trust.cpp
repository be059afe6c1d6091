// Satisfaction follows the environment, services and the fairness of fees; trust follows what a
// household can see of money paid versus improvements made: noisy and slow without posted accounts.
#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

double satisfaction_target(const Model& m, const State& s, int32_t c, int open_demands) {
  const double services_weight = m.params.governance.services_weight;
  const double env = environment_quality(s, c);
  const double service = service_level(m, s, c);  // the management model's (life/management.cpp)
  const double fairness = s.collection_rate[c];  // do the others pay their share?
  const double burden = (open_demands < kMaxDemands ? open_demands : kMaxDemands) / double(kMaxDemands);
  const double urgent = s.urgent_demands[c] / double(kMaxUrgentDemands);  // failures left unrepaired
  return clamp01(0.55 * env + 0.25 * service + 0.2 * fairness - 0.15 * burden - 0.1 * urgent +
                 services_weight * s.services_level[c]);
}

void satisfaction_and_trust(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.trust;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const double env = environment_quality(s, c);
  const double value_seen = s.perceived_value[c];
  // the targets for households without and with open demands (0..3)
  double target[4];
  for (int d = 0; d < 4; ++d) target[d] = satisfaction_target(w.model, s, c, d);
  // posted accounts (or a trust-based manager's open books): everyone sees where the money goes,
  // almost without noise
  const double noise_sd = accounts_posted(s, c) ? w.model.params.governance.accounts_noise : p.opacity_noise;
  // the loop in float: a household's fields are float, and the courtyard's terms are taken out of it
  float tgt[4];
  for (int d = 0; d < 4; ++d) tgt[d] = static_cast<float>(target[d]);
  const float seen = static_cast<float>(0.6 * value_seen + 0.4 * env), sd = static_cast<float>(noise_sd);
  const float rate = static_cast<float>(p.rate), sat_rate = static_cast<float>(p.satisfaction_rate);
  StreamWords words(w.model.seed, Purpose::kPerception, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const Tenure* tenure = s.tenure.data();
  const uint8_t* demands = s.demands.data();
  float *satisfaction = s.satisfaction.data(), *trust = s.trust.data();
  // a word for every flat (vacancies do not shift the others' draws); branch-free: a vacancy keeps its values
  for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
    const float noise = Stream::to_noise_f(word);
    const bool resident = tenure[h] != Tenure::kVacant;
    const uint8_t d = demands[h];
    const float t = d == 0 ? tgt[0] : d == 1 ? tgt[1] : d == 2 ? tgt[2] : tgt[3];
    const float sat = satisfaction[h], tr = trust[h];
    const float new_sat = sat + sat_rate * (t - sat);
    // what this household makes of the money: accounts and the state of the courtyard, seen noisily
    const float signal = clamp01f(seen + sd * noise);
    const float new_trust = tr + rate * (signal - tr);
    satisfaction[h] = select_f(resident, new_sat, sat);
    trust[h] = select_f(resident, new_trust, tr);
  });
}

}  // namespace courtyard
