// Phases whose loops were rewritten for speed, against the phases as they were before (8c715be, copied below
// verbatim): broken_windows (life/broken_windows.cpp: the flats' loop compiled for AVX2 as well) and demands
// (life/demands.cpp: two vectorised passes per chunk of flats, the address draw compared as an integer).
// The whole state after each phase must be equal, on reference scenarios with reception stations, councils and
// every management model, and with the shares that decide addressing set to values on and around the
// draws' 2^-16 grid (where `u < address` and its integer form could part if the conversion were wrong),
// below 0, at 0, at 1, above 1 and NaN.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "life/life.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

// broken_windows as it was (only the name changed), with the two helpers of its file it uses.
constexpr float kDamagePerCostlyViolation = 0.005f;
double resident_cleaning(const Params& params, double tidy_norm) {
  const double n2 = tidy_norm * tidy_norm;
  return params.broken_windows.resident_cleanup * n2 * n2;
}
void broken_windows_before(const Week& w, State& s, int32_t c) {
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
  int32_t cheap = 0, costly = 0, residents = 0;
  const Tenure* tenure = s.tenure.data();
  const float *ties = s.ties.data(), *norms = s.norms.data();
  // a word for every flat (vacancies do not shift the others' draws); branch-free, vacancies count nothing
  for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
    const double u = Stream::to_uniform(word);
    const int32_t resident = tenure[h] != Tenure::kVacant;
    const double control = (1.0 - half_control * (ties[h] + norms[h])) * scale;
    const double p_cheap = clamp01(cheap_at_cue * control), p_costly = clamp01(costly_at_cue * control);
    // one uniform decides both: [0, p_cheap) cheap, [p_cheap, p_cheap + p_costly) costly
    const int32_t is_cheap = u < p_cheap, is_costly = !is_cheap & (u < p_cheap + p_costly);
    residents += resident;
    cheap += resident & is_cheap;
    costly += resident & is_costly;
  });
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

// demands as it was (only the name changed).
void demands_before(const Week& w, State& s, int32_t c) {
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

// Runs `scenario` for `steps` weeks; after each, the phase and its old form from the same state, under the
// scenario's own shares and under each of `shares` (address share, reception share, raise probability);
// broken windows under the scenario's own parameters.
void expect_same_phase(const std::string& scenario, int steps, const std::vector<std::array<double, 3>>& shares) {
  const Model base = testing::model_from_file(scenario, {"run.steps=" + std::to_string(steps)});
  std::vector<Model> models{base};
  for (const auto& [address, reception, raise] : shares) {
    Model m = base;
    m.params.demands.address_share = address;
    m.params.governance.reception_address_share = reception;
    m.params.demands.raise_prob = raise;
    models.push_back(std::move(m));
  }
  Simulation sim(base);
  std::vector<Event> slots(static_cast<size_t>(base.ncourtyard()) * 64);
  std::vector<int32_t> counts(base.ncourtyard());
  std::vector<std::vector<Event>> overflow(base.ncourtyard());
  int64_t raised = 0, addressed = 0, violations = 0;
  for (int step = 0; step < steps; ++step) {
    sim.step();
    for (size_t k = 0; k < models.size(); ++k) {
      const Model& m = models[k];
      State now = sim.state(), before = sim.state();
      const Week w{m, sim.state().step, 2015.0, false, EventSlots{slots.data(), counts.data(), overflow.data(), 64}};
      for (int32_t c = 0; c < m.ncourtyard(); ++c) {
        demands(w, now, c);
        demands_before(w, before, c);
      }
      ASSERT_TRUE(now == before) << scenario << ": the state differs after the demands phase at step " << step
                                 << " under shares " << k;
      if (k == 0) {
        for (int32_t c = 0; c < m.ncourtyard(); ++c) {
          broken_windows(w, now, c);
          broken_windows_before(w, before, c);
        }
        ASSERT_TRUE(now == before) << scenario << ": the state differs after broken windows at step " << step;
        for (int32_t c = 0; c < m.ncourtyard(); ++c) violations += now.violations[c] - sim.state().violations[c];
      }
      for (int64_t h = 0; h < m.nhousehold(); ++h) {
        raised += now.demands[h] > sim.state().demands[h];
        addressed += now.satisfaction[h] != sim.state().satisfaction[h];
      }
    }
  }
  std::printf("%s: %d weeks x %zu sets of shares compared, %lld households raised a demand, %lld addressed; "
              "%lld violations\n",
              scenario.c_str(), steps, models.size(), static_cast<long long>(raised),
              static_cast<long long>(addressed), static_cast<long long>(violations));
  EXPECT_GT(raised, 0);
  EXPECT_GT(violations, 0);
  EXPECT_GT(addressed, 0);
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// uniforms16_below against the comparison it replaces, at every point of the 2^-16 grid in [-1, 2], a hair
// either side of each, and the special values. Both sides are monotone in k (true up to some k, false
// after), so they agree for every k when they agree at the boundary the integer form draws: k = below - 1
// and k = below. Every k is compared as well for the points near 0, 1/2 and 1.
TEST(PhasesAsBefore, Uniforms16BelowIsTheComparisonExactly) {
  std::vector<double> ps{0.0, -0.0, 1.0, -1e-300, 1e-300, 4.9e-324, 1e300, -1e300, kNaN,
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (int64_t j = -65536; j <= 2 * 65536; ++j) {
    const double p = static_cast<double>(j) * 0x1p-16;
    ps.insert(ps.end(), {p, std::nextafter(p, -1e9), std::nextafter(p, 1e9)});
  }
  auto below_p = [](uint32_t k, double p) { return k * 0x1p-16 < p; };  // Stream::to_uniform_pair's uniform
  int64_t checked = 0, mismatched = 0;
  for (const double p : ps) {
    const int32_t below = uniforms16_below(p);
    ASSERT_TRUE(below >= 0 && below <= 65536) << p;
    if (below > 0) mismatched += !below_p(static_cast<uint32_t>(below - 1), p);
    if (below < 65536) mismatched += below_p(static_cast<uint32_t>(below), p);
    checked += 2;
    const double a = std::fabs(p), near = 8 * 0x1p-16;
    if (std::fabs(a) < near || std::fabs(a - 0.5) < near || std::fabs(a - 1.0) < near) {
      for (uint32_t k = 0; k < 65536; ++k) mismatched += below_p(k, p) != (static_cast<int32_t>(k) < below);
      checked += 65536;
    }
  }
  std::printf("%lld comparisons, %lld different\n", static_cast<long long>(checked), static_cast<long long>(mismatched));
  EXPECT_EQ(mismatched, 0);
}

TEST(PhasesAsBefore, SameStateOnThePilot) {
  // shares on the 2^-16 grid, a hair either side of it, and outside [0, 1]
  expect_same_phase("scenarios/jiangdong_minju_pilot.txtpb", 60,
                    {{{0.5, 0.25, 0.3}},
                     {{std::nextafter(0.5, 0.0), std::nextafter(0.25, 1.0), 1.0}},
                     {{3.0 / 65536, 1.0 / 65536, 0.0}},
                     {{1.0, 0.0, 0.5}},
                     {{1.5, 0.75, 2.0}},
                     {{0.0, -0.25, -0.5}},
                     {{kNaN, kNaN, kNaN}}});
}

TEST(PhasesAsBefore, SameStateUnderEveryManagementModel) {
  expect_same_phase("scenarios/management_models.txtpb", 40,
                    {{{32769.0 / 65536, 0.1, 0.2}}, {{std::nextafter(1.0, 0.0), 0.0, 0.05}}});
}

}  // namespace
}  // namespace courtyard
