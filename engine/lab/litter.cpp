// Keizer-style field experiments with the households' violation rule: passers-by with drawn ties to
// the place and norm adherence meet an orderly (cue 0) or a disordered (cue 1) setting.
#include <cmath>

#include "core/rng.h"
#include "lab/lab.h"
#include "life/life.h"

namespace courtyard {

std::vector<LitterCell> run_litter_experiment(const Params& params, const LitterSettings& g) {
  const auto& bw = params.broken_windows;
  struct Spec {
    const char* violation;
    double base, risk_ratio;
  };
  const Spec specs[2] = {{"cheap", g.cheap_base, bw.cheap_disorder_risk_ratio},
                         {"costly", g.costly_base, bw.costly_disorder_risk_ratio}};
  std::vector<LitterCell> cells;
  for (int v = 0; v < 2; ++v)
    for (int disordered = 0; disordered < 2; ++disordered) {
      int64_t violations = 0, subjects = 0;
      for (int32_t s = 0; s < g.seeds; ++s) {
        Stream r(g.seed + static_cast<uint64_t>(s), Purpose::kLab, static_cast<uint32_t>(v),
                 static_cast<uint32_t>(disordered), 0);
        for (int32_t i = 0; i < g.subjects; ++i) {
          // a passer-by: some attachment to the place, norms as in the courtyard population
          const double ties = r.uniform(), norms = clamp01(r.normal(0.65, 0.15));
          const double p = violation_probability(specs[v].base, specs[v].risk_ratio, disordered ? 1.0 : 0.0, ties,
                                                 norms, bw.social_control);
          violations += r.bernoulli(p);
          ++subjects;
        }
      }
      const double rate = static_cast<double>(violations) / subjects;
      cells.push_back(LitterCell{specs[v].violation, disordered ? "disordered" : "orderly", rate,
                                 1.96 * std::sqrt(rate * (1 - rate) / subjects), subjects});
    }
  return cells;
}

}  // namespace courtyard
