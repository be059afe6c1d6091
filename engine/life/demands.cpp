// Dissatisfied households raise demands (repairs, disputes, occupied space, management); a managed
// courtyard addresses a share of them each week, and an addressed demand lifts satisfaction.
#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

void demands(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.demands;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const bool managed = s.management[c] != Management::kNone;
  Stream r(w.model.seed, Purpose::kDemands, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  int32_t open = 0;
  for (int64_t h = h0; h < h1; ++h) {
    double u_raise, u_address;
    r.uniform_pair(&u_raise, &u_address);
    if (!occupied(s, h)) {
      s.demands[h] = 0;
      continue;
    }
    if (u_raise < p.raise_prob * (1.0 - s.satisfaction[h]) && s.demands[h] < kMaxDemands) ++s.demands[h];
    if (managed && s.demands[h] > 0 && u_address < p.address_share) {
      --s.demands[h];
      s.satisfaction[h] = clamp01f(s.satisfaction[h] + 0.05f);
    }
    open += s.demands[h];
  }
  // urgent demands from failures: a managed courtyard deals with them too
  if (managed) s.urgent_demands[c] -= static_cast<int32_t>(r.binomial(static_cast<uint32_t>(s.urgent_demands[c]), p.address_share));
  s.open_demands[c] = open + s.urgent_demands[c];
}

}  // namespace courtyard
