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
  Stream r(w.model.seed, Purpose::kPerception, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  for (int64_t h = h0; h < h1; ++h) {
    const float noise = r.noise_f();  // drawn for every flat: vacancies do not shift the others' draws
    if (!occupied(s, h)) continue;
    const float t = tgt[s.demands[h] < 3 ? s.demands[h] : 3];
    s.satisfaction[h] += sat_rate * (t - s.satisfaction[h]);
    // what this household makes of the money: accounts and the state of the courtyard, seen noisily
    const float signal = clamp01f(seen + sd * noise);
    s.trust[h] += rate * (signal - s.trust[h]);
  }
}

}  // namespace courtyard
