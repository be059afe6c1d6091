// Dissatisfied households raise demands (repairs, disputes, occupied space, management); a managed
// courtyard addresses a share of them each week, and an addressed demand lifts satisfaction.
#include <algorithm>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

void demands(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.demands;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const bool managed = s.management[c] != Management::kNone;
  // an organisation addresses demands; a reception station (or a council that knows them from the
  // survey) takes up more, managed or not
  double address = managed ? p.address_share : 0.0;
  if (s.institutions[c] & kReception) address += w.model.params.governance.reception_address_share;
  if ((s.institutions[c] & (kSurveyed | kCouncil)) == (kSurveyed | kCouncil))
    address += w.model.params.governance.reception_address_share;
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
    if (s.demands[h] > 0 && u_address < address) {
      --s.demands[h];
      s.satisfaction[h] = clamp01f(s.satisfaction[h] + 0.05f);
    }
    open += s.demands[h];
  }
  // urgent demands from failures: a managed courtyard deals with them too
  if (address > 0)
    s.urgent_demands[c] -= static_cast<int32_t>(r.binomial(static_cast<uint32_t>(s.urgent_demands[c]), std::min(1.0, address)));
  s.open_demands[c] = open + s.urgent_demands[c];
}

}  // namespace courtyard
