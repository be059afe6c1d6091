// Ties grow with time in residence and are lost with turnover; engagement follows ties and trust;
// personal norm adherence drifts towards the courtyard's descriptive norm (what residents believe their
// neighbours do: life/broken_windows.cpp), or towards the covenant's rules once adopted.
#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

void ties_and_norms(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.ties;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const int64_t flats = h1 - h0;
  const float growth = static_cast<float>(p.growth_per_year / 52.0);
  // each neighbour who left takes a share of everyone's acquaintance with them
  const float kept = static_cast<float>(1.0 - 0.5 * s.leavers[c] / static_cast<double>(flats > 0 ? flats : 1));
  // norms drift towards the descriptive norm, or towards the covenant's rules once adopted
  float order = s.tidy_norm[c];
  if ((s.institutions[c] & kCovenant) && order < 0.8f) order = 0.8f;
  constexpr float kWeek = 1.0f / 52.0f;
  // branch-free over every slot (a vacancy keeps its values), with the arrays loaded once
  const Tenure* tenure = s.tenure.data();
  const float* trust = s.trust.data();
  float *years = s.years.data(), *ties = s.ties.data(), *engagement = s.engagement.data(), *norms = s.norms.data();
  for (int64_t h = h0; h < h1; ++h) {
    const bool resident = tenure[h] != Tenure::kVacant;
    const float y = years[h], t0 = ties[h], e = engagement[h], n = norms[h];
    float t = t0 * kept;
    t += growth * (1.f - t);
    years[h] = select_f(resident, y + kWeek, y);
    ties[h] = select_f(resident, t, t0);
    engagement[h] = select_f(resident, e + 0.01f * (0.5f * t + 0.5f * trust[h] - e), e);
    norms[h] = select_f(resident, n + 0.005f * (order - n), n);
  }
  s.leavers[c] = 0;
}

}  // namespace courtyard
