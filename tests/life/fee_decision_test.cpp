// The fast fee decision (engine/life/fee_decision.h) against the exact one, `u < payment_probability(...)`:
// where the fast path decides it must agree, over millions of random and adversarial inputs, and on
// typical inputs it must decide nearly always (else it saves nothing).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "life/fee_decision.h"
#include "life/life.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_text;
using testing::one_courtyard;

// Uniform [0, 1) from 53 random bits (no std distribution: the same numbers with every standard library).
struct Rand {
  std::mt19937_64 gen;
  explicit Rand(uint64_t seed) : gen(seed) {}
  double u01() { return static_cast<double>(gen() >> 11) * 0x1p-53; }
  double in(double lo, double hi) { return lo + (hi - lo) * u01(); }
  int below(int n) { return static_cast<int>(gen() % static_cast<uint64_t>(n)); }
};

// One household's inputs as fee_payment has them.
struct Household {
  CoopType type;
  float belief, trust, satisfaction, ability, sanction;
  bool renter, attended;
};

// A courtyard's month: the parameters and the courtyard-constant inputs.
struct Month {
  Params params;
  bool managed;
  double custom, meeting;
};

// payment_probability called as fee_payment calls it.
double exact_probability(const Month& m, const Household& h) {
  double pressure = m.custom + h.sanction;
  if (h.attended) pressure += m.meeting;
  return payment_probability(m.params, h.type, h.belief, h.trust, h.satisfaction, h.ability, h.renter, m.managed,
                             pressure);
}

FeeDecision fast(const FeeTerms& t, const Household& h, double u) {
  return fee_decision_fast(t, static_cast<uint8_t>(h.type), h.belief, h.trust, h.satisfaction, h.ability, h.sanction,
                           h.renter, h.attended, u);
}

const Params& default_params() {
  static const Model model = model_from_text(one_courtyard("households: 10"));
  return model.params;
}

// Tallies of fast decisions against exact ones.
struct Tally {
  int64_t decisions = 0, unsure = 0, disagreements = 0;
  void check(const FeeTerms& t, const Household& h, double u, double prob) {
    const FeeDecision d = fast(t, h, u);
    ++decisions;
    if (d == kFeeUnsure) {
      ++unsure;
      return;
    }
    const bool exact = u < prob;
    if ((d == kFeePay) != exact) {
      ++disagreements;
      if (disagreements <= 5)
        ADD_FAILURE() << "fast decision " << int(d) << " but u < p is " << exact << ": u=" << u << " p=" << prob
                      << " type=" << int(h.type) << " belief=" << h.belief << " sanction=" << h.sanction;
    }
  }
};

// A float near x, sometimes exactly at it, sometimes one or two floats either side.
float near(Rand& r, float x) {
  const int k = r.below(5) - 2;
  float y = x;
  for (int i = 0; i < (k < 0 ? -k : k); ++i) y = std::nextafter(y, k < 0 ? -1.0f : 2.0f);
  return y;
}

Household random_household(Rand& r, const Params& p) {
  Household h{};
  h.type = static_cast<CoopType>(r.below(4));
  // beliefs: uniform, or at the schedule's clamp edges (slope x belief = 0.01 or 0.99), the hump's peak
  // (1/2) and the ends
  const double slope = p.cooperation.conditional_slope;
  switch (r.below(6)) {
    case 0: h.belief = near(r, static_cast<float>(0.01 / slope)); break;
    case 1: h.belief = near(r, static_cast<float>(0.99 / slope)); break;
    case 2: h.belief = near(r, static_cast<float>(1.0 - 0.01 / slope)); break;
    case 3: h.belief = near(r, r.below(3) * 0.5f); break;
    default: h.belief = static_cast<float>(r.u01()); break;
  }
  h.belief = std::clamp(h.belief, 0.0f, 1.0f);
  auto unit = [&] { return r.below(10) == 0 ? static_cast<float>(r.below(2)) : static_cast<float>(r.u01()); };
  h.trust = unit();
  h.satisfaction = unit();
  h.ability = unit();
  switch (r.below(4)) {
    case 0: h.sanction = 0; break;
    case 1: h.sanction = static_cast<float>(r.in(0, 3)); break;
    case 2: h.sanction = static_cast<float>(r.in(-8, 8)); break;
    default: h.sanction = static_cast<float>(r.in(-40, 40)); break;
  }
  h.renter = r.below(2);
  h.attended = r.below(2);
  return h;
}

// u values that probe the decision: random, p itself and its neighbouring doubles, the neighbouring
// 32-bit draws (u is a word x 2^-32 in the model), and the edges of the fast path's margin.
std::vector<double> probing_draws(Rand& r, double p) {
  std::vector<double> us{r.u01(), p, std::nextafter(p, 0.0), std::nextafter(p, 2.0)};
  const double grid = std::floor(p * 0x1p32) * 0x1p-32;
  for (double g : {grid - 0x1p-32, grid, grid + 0x1p-32}) us.push_back(g);
  for (double f : {0.5, 0.999, 1.0, 1.001, 1.02, 2.0})
    for (double s : {-1.0, 1.0}) us.push_back(p + s * f * kFeeMargin);
  for (double& u : us) u = std::clamp(u, 0.0, 1.0);
  return us;
}

Month random_month(Rand& r, const Params& base, bool wild) {
  Month m{base, r.below(2) == 1, r.in(-5, 5), r.in(0, 2)};
  if (wild) {
    auto& f = m.params.fee_payment;
    f.intercept = r.in(-10, 10);
    f.trust_weight = r.in(-6, 6);
    f.satisfaction_weight = r.in(-6, 6);
    f.ability_weight = r.in(-6, 6);
    f.renter_penalty = r.in(-3, 3);
    f.collection_effort = r.in(-3, 5);
    f.free_rider_log_odds = r.in(-30, 30);
    m.params.cooperation.conditional_slope = r.in(0.3, 1.5);
  }
  return m;
}

TEST(FeeDecision, FeeExpWithinItsStatedRelativeError) {
  Rand r(7);
  double worst = 0;
  auto check = [&](double y) {
    const double e = std::exp(y);
    worst = std::max(worst, std::fabs(fee_exp(y) - e) / e);
  };
  for (int i = 0; i < 2000000; ++i) check(r.in(-601, 601));
  // around the reduction's switch points (y log2 e half-integral) and the ends
  for (int k = -868; k <= 868; ++k)
    for (double d : {-1e-9, 0.0, 1e-9}) check((k + 0.5) * 0.6931471805599453 + d);
  for (double y : {-601.0, 601.0, 0.0, -0.0, 1e-300}) check(y);
  std::printf("fee_exp: worst relative error %.3g (bound used in the proof 1.2e-8)\n", worst);
  EXPECT_LE(worst, 1.2e-8);
  EXPECT_GT(worst, 1e-12);  // the polynomial is an approximation; a worst of 0 would mean the check saw nothing
}

TEST(FeeDecision, FastProbabilityWithinTheProvedBound) {
  // the proof's key step: |p_fast - p_exact| < 1.3e-8 wherever the magnitude is below kFeeMaxMagnitude
  Rand r(11);
  double worst = 0;
  int64_t checked = 0;
  for (int month = 0; month < 2000; ++month) {
    Month m = random_month(r, default_params(), month % 2 == 1);
    if (month % 4 == 3) m.params.fee_payment.intercept = r.in(-500, 500);  // far tails, still in range
    const FeeTerms t = fee_terms(m.params, m.managed, m.custom, m.meeting);
    for (int i = 0; i < 500; ++i) {
      const Household h = random_household(r, m.params);
      double magnitude = 0;
      const double p = fee_probability_fast(t, static_cast<uint8_t>(h.type), h.belief, h.trust, h.satisfaction,
                                            h.ability, h.sanction, h.renter, h.attended, magnitude);
      if (!(magnitude < kFeeMaxMagnitude)) continue;
      worst = std::max(worst, std::fabs(p - exact_probability(m, h)));
      ++checked;
    }
  }
  std::printf("p_fast: worst |p_fast - p_exact| %.3g over %lld households (proved bound 1.3e-8, margin %.3g)\n",
              worst, static_cast<long long>(checked), kFeeMargin);
  EXPECT_GE(checked, 900000);
  EXPECT_LT(worst, 1.3e-8);
}

TEST(FeeDecision, FastLogisticMeanWithinItsMargin) {
  // the payment custom's bisection (life/init.cpp): the fast mean of logistic(x + k) against the exact one
  Rand r(5);
  double worst = 0, worst_allowed = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const int64_t n = 1 + r.below(trial % 10 == 0 ? 20000 : 400);
    const double spread = r.in(0.1, trial % 3 == 0 ? 580 : 12);
    std::vector<double> x(static_cast<size_t>(n));
    for (double& v : x) v = r.in(-spread, spread);
    const double k = r.in(-12, 12);
    double exact = 0;
    for (const double v : x) exact += logistic(v + k);
    const double mean = fee_logistic_sum_fast(x.data(), n, k) / static_cast<double>(n);
    const double diff = std::fabs(mean - exact / static_cast<double>(n));
    const double allowed = 3.1e-9 + 2.0 * static_cast<double>(n + 1) * 0x1p-53;  // the proved bound
    EXPECT_LE(diff, allowed) << "n=" << n << " k=" << k;
    EXPECT_LT(allowed, fee_mean_margin(n));
    if (diff > worst) worst = diff, worst_allowed = allowed;
  }
  std::printf("logistic mean: worst difference %.3g (bound there %.3g)\n", worst, worst_allowed);
  EXPECT_GT(worst, 0.0);
}

TEST(FeeDecision, FastPathNeverDisagreesWithExact) {
  Rand r(20261130);
  Tally tally;
  for (int month = 0; month < 4000; ++month) {
    const Month m = random_month(r, default_params(), month % 2 == 1);
    const FeeTerms t = fee_terms(m.params, m.managed, m.custom, m.meeting);
    for (int i = 0; i < 500; ++i) {
      const Household h = random_household(r, m.params);
      const double prob = exact_probability(m, h);
      for (double u : probing_draws(r, prob)) tally.check(t, h, u, prob);
    }
  }
  std::printf("random and adversarial: %lld decisions, %lld left to the exact path, %lld disagreements\n",
              static_cast<long long>(tally.decisions), static_cast<long long>(tally.unsure),
              static_cast<long long>(tally.disagreements));
  EXPECT_GE(tally.decisions, 30000000);
  EXPECT_EQ(tally.disagreements, 0);
  // the draws within the margin of p must have gone to the exact path
  EXPECT_GT(tally.unsure, tally.decisions / 20);
}

TEST(FeeDecision, ExtremeLogOddsAndNonFiniteInputs) {
  Rand r(99);
  Tally tally;
  int64_t decided_far = 0;
  for (double intercept : {-800.0, -650.0, -599.0, -300.0, -40.0, -37.0, -20.0, 20.0, 37.0, 40.0, 300.0, 599.0, 650.0,
                           800.0}) {
    for (int month = 0; month < 40; ++month) {
      Month m = random_month(r, default_params(), month % 2 == 1);
      m.params.fee_payment.intercept = intercept;
      const FeeTerms t = fee_terms(m.params, m.managed, m.custom, m.meeting);
      for (int i = 0; i < 400; ++i) {
        Household h = random_household(r, m.params);
        const int odd = r.below(20);
        if (odd == 0) h.sanction = std::numeric_limits<float>::infinity();
        if (odd == 1) h.sanction = -std::numeric_limits<float>::infinity();
        if (odd == 2) h.sanction = std::numeric_limits<float>::quiet_NaN();
        if (odd == 3) h.belief = std::numeric_limits<float>::quiet_NaN();
        if (odd == 4) h.sanction = static_cast<float>(r.in(-700, 700));
        const double prob = exact_probability(m, h);
        for (double u : probing_draws(r, prob)) tally.check(t, h, u, prob);
        if (std::fabs(intercept) < 100 && fast(t, h, 0.5) != kFeeUnsure) ++decided_far;
      }
    }
  }
  std::printf("extreme: %lld decisions, %lld left to the exact path, %lld disagreements\n",
              static_cast<long long>(tally.decisions), static_cast<long long>(tally.unsure),
              static_cast<long long>(tally.disagreements));
  EXPECT_EQ(tally.disagreements, 0);
  EXPECT_GT(decided_far, 0);  // saturated probabilities (p rounds to 0 or 1) are decided fast too
}

TEST(FeeDecision, TypicalHouseholdsRarelyNeedTheExactPath) {
  // the model's default parameters, states in their ranges, a custom and a meeting as in the runs
  Rand r(3);
  int64_t decisions = 0, unsure = 0, disagreements = 0;
  for (int month = 0; month < 2000; ++month) {
    Month m{default_params(), r.below(2) == 1, r.in(-1, 3), r.in(0, 0.6)};
    const FeeTerms t = fee_terms(m.params, m.managed, m.custom, m.meeting);
    for (int i = 0; i < 2000; ++i) {
      Household h{static_cast<CoopType>(r.below(4)), static_cast<float>(r.u01()), static_cast<float>(r.u01()),
                  static_cast<float>(r.u01()), static_cast<float>(r.u01()),
                  r.below(5) == 0 ? static_cast<float>(r.in(0, 2)) : 0.0f, r.below(4) == 0, r.below(3) == 0};
      const double u = static_cast<double>(static_cast<uint32_t>(r.gen() >> 32)) * 0x1p-32;  // as the model draws
      const FeeDecision d = fast(t, h, u);
      ++decisions;
      if (d == kFeeUnsure)
        ++unsure;
      else
        disagreements += (d == kFeePay) != (u < exact_probability(m, h));
    }
  }
  const double rate = static_cast<double>(unsure) / static_cast<double>(decisions);
  std::printf("typical: %lld decisions, %lld to the exact path (rate %.2g; about 2 x margin = %.2g expected)\n",
              static_cast<long long>(decisions), static_cast<long long>(unsure), rate, 2 * kFeeMargin);
  EXPECT_EQ(disagreements, 0);
  EXPECT_LT(rate, 1e-5);
}

}  // namespace
}  // namespace courtyard
