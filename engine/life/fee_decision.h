// The fee decision `u < payment_probability(...)` without libm on almost every household, with the same
// outcome as the exact computation on every household.
//
// Why: the exact probability costs a `log` (conditional and hump-shaped types), an `exp`, a division and a
// switch per household; the monthly phase was up to a quarter of a step's samples. Results must not change
// by a single bit (tests/sim reference digests), so the fast path decides only where it provably agrees with
// the exact path and hands the rest (about 2 in a million typical households) to `payment_probability`,
// called exactly as before.
//
// The fast path. With A the log-odds without the type's schedule and q the schedule as a probability,
// logistic(A + logit(q)) = q / (q + (1 - q) e^-A) exactly (in real arithmetic), so no `log` is needed; the
// courtyard-constant terms of A are summed once per courtyard (FeeTerms) and e^-A comes from a branch-free
// polynomial (fee_exp). Types without a schedule (free riders, others) use q = 1/2 and their constant
// log-odds in A. It yields p_fast and decides: pay if u < p_fast - kFeeMargin, not if u >= p_fast + kFeeMargin,
// otherwise (or if any value is not finite, or the terms are large) it answers kFeeUnsure.
//
// The bound (eps = 2^-53, the unit roundoff; u the draw; S the sum of the absolute values of every term of the
// log-odds, the FeeTerms::magnitude plus the household's |trust_weight x trust| etc. and |sanction|; X the real
// log-odds of the inputs; p_exact the value payment_probability returns). The fast path is used only when
// the computed S < 600 (the true S is then below 601).
//  1. Exact path: the log-odds are about 14 rounded operations whose partial results are bounded by S, so
//     |x_exact - X| <= 20 eps S + 1e-14 (the 1e-14: `log` of q/(1-q), at most 2 ulp of glibc's log of a value
//     below 4.6 in magnitude plus the division's rounding). |x_exact| <= 601 < 709, so exp(-x_exact) neither
//     overflows nor leaves the normal range, and exp (<= 2 ulp), 1 + e and 1 / (.) give
//     p_exact = logistic(x_exact) (1 + psi), |psi| <= 8 eps. As logistic' <= 1/4:
//     |p_exact - logistic(X)| <= 0.25 (20 eps S + 1e-14) + 8 eps.
//  2. Fast path: A is summed in another order, |a_fast - A| <= 20 eps S; q is the same double as the exact
//     path's (same operations), and logit(q) enters in real arithmetic. fee_exp(y) for |y| <= 601 has
//     relative error R <= 1.2e-8 (see fee_exp); the roundings of 1 - q, the product, the sum (of positives)
//     and the division add at most 5 eps relatively, so p_fast = logistic(a_fast + logit(q)) (1 + phi) with
//     |phi| <= 1.01 (R + 5 eps), and |p_fast - logistic(X)| <= 1.01 (R + 5 eps) + 0.25 (20 eps S).
//  3. Hence |p_fast - p_exact| <= 1.01 (1.2e-8 + 5 eps) + 0.5 (20 eps 601) + 0.25e-14 + 8 eps < 1.3e-8, and the
//     computed p_fast -/+ kFeeMargin is off the real one by at most one rounding (eps). With
//     kFeeMargin = 2^-20 (9.5e-7, 70 times the bound): u < p_fast - kFeeMargin implies u < p_exact, and
//     u >= p_fast + kFeeMargin implies u >= p_exact. Any NaN fails both comparisons, so it goes to the
//     exact path too (S < 600 is false for NaN and infinity).
// tests/life/fee_decision_test.cpp checks R, and zero disagreements over millions of random and adversarial
// inputs (u one ulp either side of p_exact, extreme log-odds, beliefs at the clamp edges, every type).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "model/model.h"

namespace courtyard {

// What the fast decision answers.
enum FeeDecision : uint8_t { kFeeNoPay = 0, kFeePay = 1, kFeeUnsure = 2 };

// The band either side of p_fast within which the exact path decides (see the bound above).
inline constexpr double kFeeMargin = 0x1p-20;
// The fast path is used only while the log-odds' terms sum in magnitude below this (keeps exp in range).
inline constexpr double kFeeMaxMagnitude = 600;

// e^y for |y| <= 700 (callers use |y| <= 601; outside, a meaningless finite or NaN value), branch-free so
// loops over households vectorise.
// y = k ln2 + r with k the integer nearest to y log2(e) (|r| <= ln2/2 + 1e-13 < 0.35): r is off by at most
// 1e-13 (k ln2 rounded, |k| <= 1010), the degree-7 Taylor polynomial of e^r leaves at most
// e^0.35 0.35^8 / 8! < 8e-9 absolute, i.e. 1.13e-8 relative to e^r >= e^-0.35, and Horner's roundings with
// the rounded coefficients add below 1e-14; 2^k is exact (k within the normal exponents). So R <= 1.2e-8.
inline double fee_exp(double y) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2 = 0.6931471805599453;
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
  const double t = y * kLog2e + kShift;
  const double k = t - kShift;
  const double r = y - k * kLn2;
  const double poly =
      1.0 +
      r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040)))))));
  const uint64_t ki = std::bit_cast<uint64_t>(t) - std::bit_cast<uint64_t>(kShift);  // k modulo 2^64
  return poly * std::bit_cast<double>((ki + 1023u) << 52);
}

// The terms of a household's payment log-odds that are the same for the whole courtyard this month.
struct FeeTerms {
  double base;           // intercept - 0.5 (trust + satisfaction + ability weights) + collection + custom
  double trust_weight, satisfaction_weight, ability_weight;
  double renter;         // added for renters: -renter_penalty
  double meeting;        // added for those who attended the last meeting
  double free_rider;     // added for free riders: their log-odds
  double slope;          // cooperation.conditional_slope
  double magnitude;      // the sum of the absolute values of the courtyard-constant terms, 4.6 for logit(q)
};

// `custom` and `meeting` exactly as fee_payment adds them to the pressure.
inline FeeTerms fee_terms(const Params& params, bool managed, double custom, double meeting) {
  const auto& p = params.fee_payment;
  FeeTerms t{};
  const double collection = managed ? p.collection_effort : 0.0;
  t.base = p.intercept - 0.5 * p.trust_weight - 0.5 * p.satisfaction_weight - 0.5 * p.ability_weight + collection +
           custom;
  t.trust_weight = p.trust_weight;
  t.satisfaction_weight = p.satisfaction_weight;
  t.ability_weight = p.ability_weight;
  t.renter = -p.renter_penalty;
  t.meeting = meeting;
  t.free_rider = p.free_rider_log_odds;
  t.slope = params.cooperation.conditional_slope;
  t.magnitude = std::fabs(p.intercept) + 4.6 + std::fabs(p.free_rider_log_odds) +
                0.5 * (std::fabs(p.trust_weight) + std::fabs(p.satisfaction_weight) + std::fabs(p.ability_weight)) +
                std::fabs(p.renter_penalty) + std::fabs(collection) + std::fabs(custom) + std::fabs(meeting);
  return t;
}

// `yes` where the mask is all ones, `no` where it is zero: chosen bitwise so that loops stay free of branches
// (as select_f in core/rng.h). fee_mask(c) makes the mask from 0 or 1 (an integer, not a bool: GCC does not
// vectorise conversions of bytes to bool).
inline uint64_t fee_mask(uint64_t c) { return 0u - c; }
inline double fee_select(uint64_t mask, double yes, double no) {
  return std::bit_cast<double>((std::bit_cast<uint64_t>(yes) & mask) | (std::bit_cast<uint64_t>(no) & ~mask));
}

// p_fast for one household, and in `magnitude` the sum of the absolute values of its log-odds' terms (the
// bound holds while it is below kFeeMaxMagnitude). Branch-free. `type`: the CoopType's byte; `renter` and
// `attended`: 0 or 1.
inline double fee_probability_fast(const FeeTerms& t, uint8_t type, double belief, double trust, double satisfaction,
                                   double ability, double sanction, uint8_t renter, uint8_t attended,
                                   double& magnitude) {
  // the schedule as a probability, computed as payment_probability does (the same double);
  // std::min(belief, 1 - belief) and std::clamp(x, 0.01, 0.99) as selects (their results, bit for bit)
  const uint64_t hump = fee_mask(type == static_cast<uint8_t>(CoopType::kHump));
  const uint64_t scheduled = fee_mask(type == static_cast<uint8_t>(CoopType::kConditional)) | hump;
  const double other = 1.0 - belief;
  const double shape = fee_select(hump, fee_select(fee_mask(other < belief), other, belief), belief);
  const double x = t.slope * shape;
  const double low = fee_select(fee_mask(x < 0.01), 0.01, x);
  const double q = fee_select(scheduled, fee_select(fee_mask(0.99 < low), 0.99, low), 0.5);
  // the other log-odds
  const double wt = t.trust_weight * trust, ws = t.satisfaction_weight * satisfaction,
               wa = t.ability_weight * ability;
  const double a = t.base + wt + ws + wa + sanction + fee_select(fee_mask(renter), t.renter, 0.0) +
                   fee_select(fee_mask(attended), t.meeting, 0.0) +
                   fee_select(fee_mask(type == static_cast<uint8_t>(CoopType::kFreeRider)), t.free_rider, 0.0);
  magnitude = t.magnitude + std::fabs(wt) + std::fabs(ws) + std::fabs(wa) + std::fabs(sanction);
  return q / (q + (1.0 - q) * fee_exp(-a));
}

// The fast decision for one household: kFeePay, kFeeNoPay, or kFeeUnsure (then the exact path decides).
// Branch-free, so that a loop over a chunk of households vectorises. Arguments as fee_probability_fast's.
inline FeeDecision fee_decision_fast(const FeeTerms& t, uint8_t type, double belief, double trust, double satisfaction,
                                     double ability, double sanction, uint8_t renter, uint8_t attended, double u) {
  double magnitude;
  const double p =
      fee_probability_fast(t, type, belief, trust, satisfaction, ability, sanction, renter, attended, magnitude);
  // decide outside the margin, where the bound makes the exact path agree
  const int ok = magnitude < kFeeMaxMagnitude;
  const int pay = ok & (u < p - kFeeMargin);
  const int no = ok & (u >= p + kFeeMargin);
  return static_cast<FeeDecision>(pay | ((1 - (pay | no)) << 1));
}

// Sum over i < n of 1 / (1 + fee_exp(-(x[i] + k))), with x[i] + k rounded as logistic(x[i] + k) rounds it, in
// eight interleaved partial sums (AVX2 where the CPU has it; life/fees.cpp). For the bisection of the payment
// custom (life/init.cpp); callers ensure every |x[i] + k| <= 600. Each term is within 3.1e-9 of
// logistic(x[i] + k) as libm computes it (fee_exp's R <= 1.2e-8 moves 1/(1 + E) by at most R / (4 (1 - R));
// roundings, 6 eps, exp's 2 ulp included; eps = 2^-53), and a sum of n terms in [0, 1], in any order, carries
// at most (n - 1) eps n of rounding, so the fast and the exact means differ by at most 3.1e-9 + 2 (n + 1) eps, which
// fee_mean_margin(n) exceeds.
double fee_logistic_sum_fast(const double* x, int64_t n, double k);
inline double fee_mean_margin(int64_t n) { return 1e-8 + 4.0 * static_cast<double>(n + 1) * 0x1p-53; }

}  // namespace courtyard
