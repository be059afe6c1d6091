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
  StreamWords words(w.model.seed, Purpose::kDemands, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const Tenure* tenure = s.tenure.data();
  uint8_t* demands = s.demands.data();
  float* satisfaction = s.satisfaction.data();
  const double raise_prob = p.raise_prob;
  int32_t open = 0;
  // a word for every flat; branch-free: a vacancy has no demands and keeps its satisfaction
  for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
    double u_raise, u_address;
    Stream::to_uniform_pair(word, &u_raise, &u_address);
    const bool resident = tenure[h] != Tenure::kVacant;
    const float sat = satisfaction[h];
    int32_t d = resident ? demands[h] : 0;
    d += resident & (u_raise < raise_prob * (1.0 - sat)) & (d < kMaxDemands);
    const bool addressed = resident & (d > 0) & (u_address < address);
    d -= addressed;
    satisfaction[h] = select_f(addressed, clamp01f(sat + 0.05f), sat);
    demands[h] = static_cast<uint8_t>(d);
    open += d;
  });
  // urgent demands from failures: a managed courtyard deals with them too
  if (address > 0 && s.urgent_demands[c] > 0) {
    Stream r = words.rest();  // draws after the flats' words
    s.urgent_demands[c] -= static_cast<int32_t>(r.binomial(static_cast<uint32_t>(s.urgent_demands[c]), std::min(1.0, address)));
  }
  s.open_demands[c] = open + s.urgent_demands[c];
}

}  // namespace courtyard
