// The monthly property fee. Each occupied household decides whether to pay: a logistic choice on its
// cooperation type's willingness given its belief about neighbours, its trust, satisfaction and means,
// its tenure, and whether anyone collects. Conditional cooperators match slightly less than they believe
// others give (Fischbacher & Gachter 2010), which makes payment decay where nothing props it up.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/rng.h"
#include "life/fee_decision.h"
#include "life/life.h"

namespace courtyard {

double payment_log_odds(const Params& params, CoopType type, double belief, double trust, double satisfaction,
                        double ability, bool renter, bool managed) {
  const auto& p = params.fee_payment;
  const double slope = params.cooperation.conditional_slope;
  // the type's schedule, as a probability, read in log-odds (kept off 0 and 1)
  auto schedule = [](double x) { return logit(std::clamp(x, 0.01, 0.99)); };
  double willingness = 0;
  switch (type) {
    case CoopType::kConditional: willingness = schedule(slope * belief); break;
    case CoopType::kFreeRider: willingness = p.free_rider_log_odds; break;
    case CoopType::kHump: willingness = schedule(slope * std::min(belief, 1.0 - belief)); break;
    case CoopType::kOther: willingness = 0; break;
  }
  double lo = p.intercept + willingness + p.trust_weight * (trust - 0.5) +
              p.satisfaction_weight * (satisfaction - 0.5) + p.ability_weight * (ability - 0.5);
  if (renter) lo -= p.renter_penalty;
  if (managed) lo += p.collection_effort;
  return lo;
}

double payment_probability(const Params& params, CoopType type, double belief, double trust,
                           double satisfaction, double ability, bool renter, bool managed, double pressure) {
  return logistic(payment_log_odds(params, type, belief, trust, satisfaction, ability, renter, managed) + pressure);
}

namespace {

// A courtyard's household arrays as the fast decision reads them (the enums as their bytes: GCC finds no
// vector type for the enums' narrow value range).
struct FeeInputs {
  const uint8_t* coop;
  const uint8_t* tenure;
  const uint8_t* civic;
  const float *belief, *trust, *satisfaction, *ability, *sanction;
};

static_assert(kAttended == 1, "fee_decision_fast takes `attended` as 0 or 1");

// The fast decision for slots base .. base + n - 1 (word i is slot base + i's draw) into out[0 .. n).
[[gnu::always_inline]] inline void decide_chunk(const FeeTerms& terms, const FeeInputs& in, int64_t base, int32_t n,
                                                const uint32_t* word, uint8_t* __restrict out) {
  // locals: `out` is bytes, which may alias anything, so members would be reloaded every iteration
  const FeeTerms t = terms;
  const uint8_t *coop = in.coop + base, *tenure = in.tenure + base, *civic = in.civic + base;
  const float *belief = in.belief + base, *trust = in.trust + base, *satisfaction = in.satisfaction + base;
  const float *ability = in.ability + base, *sanction = in.sanction + base;
  for (int32_t i = 0; i < n; ++i)
    out[i] = fee_decision_fast(t, coop[i], belief[i], trust[i], satisfaction[i], ability[i], sanction[i],
                               tenure[i] == static_cast<uint8_t>(Tenure::kRenter), civic[i] & kAttended,
                               Stream::to_uniform(word[i]));
}

// Compiled for the baseline x86-64 and for AVX2, chosen once by what the CPU supports. GCC vectorises the
// loop only with AVX2 (SSE2 has no vector select of 64-bit lanes); the exact path settles whatever the fast
// path leaves open, so the two give the same decisions (and in fact the same codes: the same IEEE operations).
void decide_chunk_baseline(const FeeTerms& t, const FeeInputs& in, int64_t base, int32_t n, const uint32_t* word,
                           uint8_t* out) {
  decide_chunk(t, in, base, n, word, out);
}
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] void decide_chunk_avx2(const FeeTerms& t, const FeeInputs& in, int64_t base, int32_t n,
                                               const uint32_t* word, uint8_t* out) {
  decide_chunk(t, in, base, n, word, out);
}
#else
void decide_chunk_avx2(const FeeTerms& t, const FeeInputs& in, int64_t base, int32_t n, const uint32_t* word,
                       uint8_t* out) {
  decide_chunk(t, in, base, n, word, out);
}
#endif

// The payment custom's fast sum (fee_decision.h), compiled like decide_chunk.
[[gnu::always_inline]] inline double logistic_sum(const double* x, int64_t n, double k) {
  constexpr int kLanes = 8;
  double acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += 1.0 / (1.0 + fee_exp(-(x[i + j] + k)));
  for (; i < n; ++i) acc[0] += 1.0 / (1.0 + fee_exp(-(x[i] + k)));
  double sum = 0;
  for (int j = 0; j < kLanes; ++j) sum += acc[j];
  return sum;
}
double logistic_sum_baseline(const double* x, int64_t n, double k) { return logistic_sum(x, n, k); }
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] double logistic_sum_avx2(const double* x, int64_t n, double k) {
  return logistic_sum(x, n, k);
}
#else
double logistic_sum_avx2(const double* x, int64_t n, double k) { return logistic_sum(x, n, k); }
#endif

}  // namespace

bool cpu_has_avx2() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool yes = __builtin_cpu_supports("avx2") && simd_builds_allowed();
  return yes;
#else
  return false;
#endif
}

double fee_logistic_sum_fast(const double* x, int64_t n, double k) {
  return cpu_has_avx2() ? logistic_sum_avx2(x, n, k) : logistic_sum_baseline(x, n, k);
}

void fee_payment(const Week& w, State& s, int32_t c) {
  if (!w.first_week_of_month) return;
  const Params& params = w.model.params;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);

  // the month's accounts as residents perceive them: improvements bought per yuan paid
  const double value_target = s.paid_month[c] > 0 ? clamp01(s.spent_month[c] / s.paid_month[c]) : 0.2;
  s.perceived_value[c] += 0.3 * (value_target - s.perceived_value[c]);

  // decisions
  StreamWords words(w.model.seed, Purpose::kFeePayment, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const bool managed = collects(s, c);  // nobody collects door to door without management
  const auto& g = params.governance;
  // what fades: the face-to-face discussion of the last meeting (half its effect, for those who were
  // there) and the last notice of the accounts at the gate (a written message, read by everyone)
  const double meeting = 0.5 * g.communication_effect * fade(s.weeks_since_meeting[c], g.effect_half_life_weeks);
  const double notice = (s.institutions[c] & kTransparency)
                            ? 0.5 * g.written_effect * fade(s.weeks_since_notice[c], g.effect_half_life_weeks)
                            : 0.0;
  const double custom = s.payment_custom[c] + notice;
  // the custom of paying fades by a month's worth
  s.payment_custom[c] *= static_cast<float>(fade(52.0 / 12.0, 52.0 * params.fee_payment.custom_half_life_years));
  int32_t due = 0, paid = 0;
  // a word for every slot so vacancies do not shift others' draws. A chunk of slots at a time: first the
  // fast decision for every slot (branch-free, life/fee_decision.h), then the exact payment_probability for
  // the few it leaves open (same pressure, same call as always: the decisions are the same), then the books.
  const FeeTerms terms = fee_terms(params, managed, custom, meeting);
  const CoopType* coop = s.coop.data();
  const Tenure* tenure_of = s.tenure.data();
  const uint8_t* civic = s.civic.data();
  const float* belief_of = s.belief.data();
  const float* trust = s.trust.data();
  const float* satisfaction = s.satisfaction.data();
  const float* ability = s.ability.data();
  const float* sanction = s.sanction.data();
  const FeeInputs in{reinterpret_cast<const uint8_t*>(coop), reinterpret_cast<const uint8_t*>(tenure_of), civic,
                     belief_of, trust, satisfaction, ability, sanction};
  const auto decide = cpu_has_avx2() ? decide_chunk_avx2 : decide_chunk_baseline;
  uint8_t* flags = s.flags.data();
  uint8_t* arrears = s.arrears.data();
  alignas(64) uint8_t decision[StreamWords::kChunk];
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(std::min<int64_t>(h1 - base, StreamWords::kChunk));
    const uint32_t* word = words.take(n);
    decide(terms, in, base, n, word, decision);
    // the exact path where the fast one left the decision open (memchr: a vectorised scan of the codes)
    const uint8_t* end = decision + n;
    for (auto* open = static_cast<uint8_t*>(std::memchr(decision, kFeeUnsure, static_cast<size_t>(n))); open;
         open = static_cast<uint8_t*>(std::memchr(open + 1, kFeeUnsure, static_cast<size_t>(end - open - 1)))) {
      const int32_t i = static_cast<int32_t>(open - decision);
      const int64_t h = base + i;
      if (tenure_of[h] == Tenure::kVacant) continue;
      // social pressure: the courtyard's custom, the notice, sanctions received, the meeting attended
      double pressure = custom + sanction[h];
      if (civic[h] & kAttended) pressure += meeting;
      const double prob = payment_probability(params, coop[h], belief_of[h], trust[h], satisfaction[h], ability[h],
                                              tenure_of[h] == Tenure::kRenter, managed, pressure);
      *open = Stream::to_uniform(word[i]) < prob ? kFeePay : kFeeNoPay;
    }
    // the books, branch-free: a vacancy owes nothing and has not paid; arrears count up to 255
    const uint8_t* tenure_byte = in.tenure + base;
    uint8_t* flag = flags + base;
    uint8_t* arrear = arrears + base;
    int32_t chunk_due = 0, chunk_paid = 0;
    for (int32_t i = 0; i < n; ++i) {
      const uint32_t home = tenure_byte[i] != static_cast<uint8_t>(Tenure::kVacant);
      const uint32_t pays = home & (decision[i] == kFeePay);
      chunk_due += static_cast<int32_t>(home);
      chunk_paid += static_cast<int32_t>(pays);
      flag[i] = static_cast<uint8_t>((flag[i] & ~kPaid) | (pays * kPaid));
      const uint32_t owing = arrear[i];
      arrear[i] = static_cast<uint8_t>((home & (pays ^ 1u)) * (owing + (owing < 255u)));
    }
    due += chunk_due;
    paid += chunk_paid;
  }
  const double income = paid * s.fee[c];
  // into the fund, less what the management model takes (life/management.cpp)
  bank_fees(w.model, s, c, income);
  s.paid_month[c] = income;
  s.spent_month[c] = 0;
  // basic services are paid first, as far as the fund goes (not seen as improvement)
  const CourtyardSpec& spec = w.model.courtyards[c];
  const double running_due = spec.running_cost_per_household_month * spec.households;
  s.fund[c] -= std::min(s.fund[c], running_due);
  // self-financing: the month's fees cover the month's running costs (due, paid or not) and what was
  // spent on cleaning and maintenance
  s.self_financing[c] = income > 0 && income >= running_due + s.costs_month[c];
  s.costs_month[c] = 0;
  const double rate = due > 0 ? static_cast<double>(paid) / due : 0.0;
  s.collection_rate[c] = static_cast<float>(rate);
  // the month's accounts go up at the gate: a written notice, fresh this week
  if (s.institutions[c] & kTransparency) s.weeks_since_notice[c] = 0;

  // beliefs: households learn how many paid through their ties (well connected: accurately), or
  // from the accounts posted at the gate (or shown by a trust-based manager), which everyone reads alike
  const double lr = params.cooperation.belief_learning_rate;
  const bool posted = accounts_posted(s, c);
  // a word for every flat (the stream's words after the decisions'); branch-free: a vacancy keeps its belief
  const Tenure* tenure = s.tenure.data();
  const float* ties = s.ties.data();
  float* belief = s.belief.data();
  if (posted) {
    const double accounts_noise = g.accounts_noise;
    for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
      const double noise = Stream::to_noise(word);
      const float b = belief[h];
      const float updated = b + static_cast<float>(lr * (clamp01(rate + accounts_noise * noise) - b));
      belief[h] = select_f(tenure[h] != Tenure::kVacant, updated, b);
    });
  } else {
    for_each_slot_with_word(words, h0, h1, [&](int64_t h, uint32_t word) {
      const double noise = Stream::to_noise(word);
      const float b = belief[h];
      const double observed = clamp01(rate + (1.0 - ties[h]) * 0.25 * noise);
      const float updated = b + static_cast<float>(lr * (0.3 + 0.7 * ties[h]) * (observed - b));
      belief[h] = select_f(tenure[h] != Tenure::kVacant, updated, b);
    });
  }
}

}  // namespace courtyard
