// Broken windows: small norm violations spread with visible disorder (Keizer, Lindenberg & Steg 2008).
//
// A household's weekly probability of a violation is its base rate times a risk ratio that grows with
// the disorder cue, damped by ties and norm adherence (informal social control). Cheap violations
// (littering, occupying common space) respond strongly to the cue, costly ones (damaging facilities)
// weakly (Keuschnigg & Wolbring 2015). Cheap violations add disorder; costly ones damage a facility.
// Residents, funded cleaning and cleaning campaigns remove disorder.
//
// Memory: in a courtyard the disorder cue acts through the descriptive norm (the share of neighbours
// residents believe keep it tidy), which follows the order they see, slowly, and rises faster where
// people are SEEN cleaning (residents and volunteers; paid cleaning and repairs act only through their
// result). Cheap violations rise from the base rate to Keizer's risk ratio as the norm falls below the
// households' thresholds (Granovetter 1978), and residents clean in proportion to the norm to the 4th
// power (Rangoni & Jager 2017: cleaning follows the state). The feedbacks make disorder bistable over a
// range of upkeep effort: a tipping point, hysteresis, and withdrawals whose effect outlasts them.
#include <algorithm>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

// Condition a facility loses to one act of damage (assumption, docs/ODD.md).
constexpr float kDamagePerCostlyViolation = 0.005f;

double violation_probability(double base_prob, double disorder_risk_ratio, double cue, double ties,
                             double norms, double social_control) {
  const double risk = 1.0 + (disorder_risk_ratio - 1.0) * cue;
  // social control: 1 for a stranger with no norms, 1 - social_control for a rooted, norm-keeping one;
  // normalised so that an average household (ties and norms 0.5) keeps the base rate
  const double control = (1.0 - social_control * 0.5 * (ties + norms)) / (1.0 - 0.5 * social_control);
  return clamp01(base_prob * risk * control);
}

double norm_multiplier(const Params& params, double tidy_norm) {
  const auto& p = params.broken_windows;
  // a logistic step g(n) = 1 + a x logistic(steepness x (threshold - n)), with a chosen so that
  // g(0) / g(1) is the cue's risk ratio; returned as g(n) / g(1)
  const double at0 = logistic(p.norm_steepness * p.norm_threshold);
  const double at1 = logistic(p.norm_steepness * (p.norm_threshold - 1.0));
  const double rr = p.cheap_disorder_risk_ratio;
  const double denom = at0 - rr * at1;
  const double a = denom > 1e-12 ? (rr - 1.0) / denom : 0.0;
  return (1.0 + a * logistic(p.norm_steepness * (p.norm_threshold - tidy_norm))) / (1.0 + a * at1);
}

// Share of disorder residents clean away in a week: people clean where they see others clean.
static double resident_cleaning(const Params& params, double tidy_norm) {
  const double n2 = tidy_norm * tidy_norm;
  return params.broken_windows.resident_cleanup * n2 * n2;
}

namespace {

struct ViolationTerms {
  double cheap_at_cue, costly_at_cue, half_control, scale;
};
struct ViolationCounts {
  int32_t cheap = 0, costly = 0, residents = 0;
};

// One chunk of flats, one word each; branch-free, vacancies count nothing. Compiled for the baseline x86-64
// and for AVX2 (chosen once by what the CPU supports, cpu_has_avx2): the same IEEE operations in the same
// order either way (AVX2 brings no FMA contraction) and integer counts, so the same violations
// (tests/life/phases_as_before_test.cpp compares the phase with it as it was); with AVX2
// GCC vectorises the loop twice as wide.
[[gnu::always_inline]] inline void violations_chunk(const ViolationTerms& t, const uint32_t* word, int32_t n,
                                                    const Tenure* tenure, const float* ties, const float* norms,
                                                    ViolationCounts* out) {
  int32_t cheap = 0, costly = 0, residents = 0;
  for (int32_t i = 0; i < n; ++i) {
    const double u = Stream::to_uniform(word[i]);
    const int32_t resident = tenure[i] != Tenure::kVacant;
    const double control = (1.0 - t.half_control * (ties[i] + norms[i])) * t.scale;
    const double p_cheap = clamp01(t.cheap_at_cue * control), p_costly = clamp01(t.costly_at_cue * control);
    // one uniform decides both: [0, p_cheap) cheap, [p_cheap, p_cheap + p_costly) costly
    const int32_t is_cheap = u < p_cheap, is_costly = !is_cheap & (u < p_cheap + p_costly);
    residents += resident;
    cheap += resident & is_cheap;
    costly += resident & is_costly;
  }
  out->cheap += cheap;
  out->costly += costly;
  out->residents += residents;
}

void violations_chunk_baseline(const ViolationTerms& t, const uint32_t* word, int32_t n, const Tenure* tenure,
                               const float* ties, const float* norms, ViolationCounts* out) {
  violations_chunk(t, word, n, tenure, ties, norms, out);
}
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] void violations_chunk_avx2(const ViolationTerms& t, const uint32_t* word, int32_t n,
                                                   const Tenure* tenure, const float* ties, const float* norms,
                                                   ViolationCounts* out) {
  violations_chunk(t, word, n, tenure, ties, norms, out);
}
#else
void violations_chunk_avx2(const ViolationTerms& t, const uint32_t* word, int32_t n, const Tenure* tenure,
                           const float* ties, const float* norms, ViolationCounts* out) {
  violations_chunk(t, word, n, tenure, ties, norms, out);
}
#endif

}  // namespace

void broken_windows(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.broken_windows;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const double cue = disorder_cue(s, c);
  StreamWords words(w.model.seed, Purpose::kViolations, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));

  // violation_probability, with what is common to the courtyard taken out of the loop
  // cheap violations: the cue acts through the descriptive norm (counting it twice would compound the
  // two); costly ones respond to the cue itself, weakly
  const double norm = s.tidy_norm[c];
  const double cheap_at_cue = p.cheap_base_prob * norm_multiplier(w.model.params, norm);
  const double costly_at_cue = p.costly_base_prob * (1.0 + (p.costly_disorder_risk_ratio - 1.0) * cue);
  const double scale = 1.0 / (1.0 - 0.5 * p.social_control), half_control = 0.5 * p.social_control;
  const ViolationTerms terms{cheap_at_cue, costly_at_cue, half_control, scale};
  const auto chunk = cpu_has_avx2() ? violations_chunk_avx2 : violations_chunk_baseline;
  ViolationCounts counts;
  // a word for every flat (vacancies do not shift the others' draws), in chunks of the words one take()
  // hands out
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(std::min<int64_t>(h1 - base, StreamWords::kChunk));
    chunk(terms, words.take(n), n, s.tenure.data() + base, s.ties.data() + base, s.norms.data() + base, &counts);
  }
  const int32_t cheap = counts.cheap, costly = counts.costly, residents = counts.residents;
  s.violations[c] += cheap + costly;

  // disorder: violations add to it (less room to add when already disordered), cleaning removes it
  double d = s.disorder[c];
  if (residents > 0) d += p.disorder_per_violation * cheap / residents * (1.0 - d);
  // residents clean where they see others keep it tidy; volunteers' campaigns are seen too
  const double residents_clean = residents > 0 ? resident_cleaning(w.model.params, norm) : 0.0;
  const double visible = std::min(1.0, residents_clean + s.cleaning_share[c]);
  double cleanup = p.natural_cleanup + residents_clean + s.cleaning_share[c];
  if (s.cleaning_paid[c]) cleanup += p.funded_cleanup;
  cleanup = std::min(1.0, cleanup);
  d -= cleanup * d;
  s.disorder[c] = clamp01(d);

  // the descriptive norm follows the order residents see, and rises where people are seen cleaning
  // (damage from this week's costly violations is seen next week)
  const double seen = 1.0 - disorder_cue(s, c);
  const double n = norm + p.norm_rate * (seen - norm) + p.visible_cleaning_norm_gain * visible * (1.0 - norm);
  s.tidy_norm[c] = static_cast<float>(clamp01(n));

  // costly violations damage a random facility (draws after the flats' words)
  if (costly == 0) return;
  Stream r = words.rest();
  for (int32_t k = 0; k < costly; ++k) {
    const uint32_t f = r.below(kFacilityCount);
    float& cond = s.condition[c * kFacilityCount + f];
    cond = clamp01f(cond - kDamagePerCostlyViolation);
  }
}

}  // namespace courtyard
