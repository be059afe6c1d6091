// The courtyard's own life, without governance: one function per process of the weekly schedule.
//
// Every function here acts on ONE courtyard c and writes only that courtyard's slice of the state
// (its households, its facilities, its counters, its event slots), so the simulation can run them
// under tbb::parallel_for over courtyards. Randomness comes from per-courtyard streams keyed by
// (purpose, courtyard, step); households draw in slot order, so results never depend on threads.
// The equations are in docs/ODD.md, section "Submodels".
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "model/events.h"
#include "model/model.h"
#include "model/state.h"

namespace courtyard {

// Per-courtyard event slots for one step: a few fixed slots per courtyard (most steps of most courtyards
// have none or one event) and, past them, a per-courtyard overflow list that keeps its capacity from step
// to step. The order of a courtyard's events is the order of its pushes either way. Only the thread that
// runs courtyard c (or the serial intervention phase) pushes to c.
struct EventSlots {
  Event* slots = nullptr;                  // (ncourtyard x capacity)
  int32_t* count = nullptr;                // (ncourtyard) events pushed this step
  std::vector<Event>* overflow = nullptr;  // (ncourtyard) events past the fixed slots
  int32_t capacity = 0;
  void push(int32_t c, const Event& e) const {
    const int32_t n = count[c]++;
    if (n < capacity)
      slots[static_cast<int64_t>(c) * capacity + n] = e;
    else
      overflow[c].push_back(e);
  }
};

// What a process needs besides the state: the frozen model, the step and the event slots.
struct Week {
  const Model& model;
  int32_t step;      // the step being simulated (0-based)
  double year;       // calendar year of the week, fractional
  bool first_week_of_month;
  EventSlots events;
};

// Household slots of courtyard c.
inline int64_t first_household(const Model& m, int32_t c) { return m.household_offset[c]; }
inline int64_t end_household(const Model& m, int32_t c) { return m.household_offset[c + 1]; }
inline bool occupied(const State& s, int64_t h) { return s.tenure[h] != Tenure::kVacant; }

// Calls body(h, word) for each household slot h in [h0, h1) in order, with the next word of `words`:
// the words are taken a chunk at a time (core/rng.h StreamWords), so the loop has no refill test and
// body's branch-free arithmetic can be vectorised.
template <class Body>
inline void for_each_slot_with_word(StreamWords& words, int64_t h0, int64_t h1, Body&& body) {
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(h1 - base < StreamWords::kChunk ? h1 - base : StreamWords::kChunk);
    const uint32_t* word = words.take(n);
    for (int32_t i = 0; i < n; ++i) body(base + i, word[i]);
  }
}

// Quantities derived from a courtyard's state, shared by several processes.
double condition_index(const State& s, int32_t c);    // repair-cost-weighted mean condition
double visible_condition(const State& s, int32_t c);  // visibility-weighted mean condition
double environment_quality(const State& s, int32_t c);  // what residents see: condition and order
double disorder_cue(const State& s, int32_t c);        // the broken-windows cue, [0,1]

// What is left, after `weeks`, of an effect with the given half-life (meetings, notices, sanctions).
inline double fade(double weeks, double half_life_weeks) {
  return half_life_weeks > 0 ? std::exp2(-weeks / half_life_weeks) : 0.0;
}

// initial state (life/init.cpp)
void init_courtyard(const Model& m, State& s, int32_t c);
// 1. wear, sudden failures, repairs from the fund (life/wear.cpp)
void wear_and_failures(const Week& w, State& s, int32_t c);
void maintenance(const Week& w, State& s, int32_t c);
// 2. broken windows: violations, cleaning (life/broken_windows.cpp)
void broken_windows(const Week& w, State& s, int32_t c);
// Weekly probability of a violation for one household, given the disorder cue (also used by the lab).
double violation_probability(double base_prob, double disorder_risk_ratio, double cue, double ties,
                             double norms, double social_control);
// Multiplier of cheap violations in a courtyard given its descriptive norm n (perceived share keeping
// it tidy): a logistic step at norm_threshold, scaled so that it is 1 at n = 1 and
// cheap_disorder_risk_ratio at n = 0 (docs/ODD.md 7.4).
double norm_multiplier(const Params& p, double tidy_norm);
// 3. satisfaction and trust (life/trust.cpp)
void satisfaction_and_trust(const Week& w, State& s, int32_t c);
// What satisfaction moves towards for a household with `open_demands` demands.
double satisfaction_target(const Model& m, const State& s, int32_t c, int open_demands);
// 4. monthly fee payment (life/fees.cpp)
void fee_payment(const Week& w, State& s, int32_t c);
// Probability that a household pays (also used by the lab's public-goods game and payment schedule).
// A type's willingness is its strategy-method schedule in log-odds: a conditional cooperator pays
// conditional_slope x belief (Fischbacher & Gachter 2010: slightly less than it believes others pay),
// a hump-shaped one conditional_slope x min(belief, 1 - belief), a free rider free_rider_log_odds,
// others 0.5; trust, satisfaction, means, tenure and collection shift the log-odds.
// `pressure`: log-odds of social pressure (sanctions, a meeting, a notice; the courtyard's custom).
double payment_probability(const Params& p, CoopType type, double belief, double trust,
                           double satisfaction, double ability, bool renter, bool managed, double pressure = 0);
// Its log-odds before `pressure`: payment_probability(...) is logistic(payment_log_odds(...) + pressure),
// computed by exactly these operations (life/init.cpp computes them once per household, not per bisection step).
double payment_log_odds(const Params& p, CoopType type, double belief, double trust, double satisfaction,
                        double ability, bool renter, bool managed);

// Sanctions (the covenant's, and peer punishment in the lab): an act of severity `level` (1 a
// reminder, 2 a home visit, 3 a notice at the gate; fractional in the lab) adds
// sanction_effect x level log-odds to the sanctioned's paying, unless it resents the act, which
// happens with probability min(1, resentment_share x level).
inline double sanction_log_odds(const Params& p, double level) { return p.governance.sanction_effect * level; }
inline double resentment_probability(const Params& p, double level) {
  const double r = p.governance.resentment_share * level;
  return r < 1 ? r : 1;
}
// management models (life/management.cpp): what each model changes in the processes above
// The contract in force (the default terms for a model built without contracts).
const ContractSpec& contract_of(const Model& m, const State& s, int32_t c);
// Whether someone collects the fee door to door (everyone but nobody).
bool collects(const State& s, int32_t c);
// Service level residents get from the courtyard's management, [0,1].
double service_level(const Model& m, const State& s, int32_t c);
// Whether residents read money and payment from posted accounts (a board at the gate, or a trust-based
// manager who shows every expense): perception noise governance.accounts_noise instead of opacity_noise.
bool accounts_posted(const State& s, int32_t c);
// The month's fee income into the fund: a company keeps its margin; a trust-based manager's fixed pay
// comes out of the account (a cost); others bank it all. Sets manager_take_month.
void bank_fees(const Model& m, State& s, int32_t c, double income);
// Whether the fund may be spent on repairs and routine maintenance this step (nobody: never; an owners'
// committee: only while an adopted art. 278 vote authorises it).
bool repairs_allowed(int32_t step, const State& s, int32_t c);
// 5. demands (life/demands.cpp): a household holds at most kMaxDemands open demands
inline constexpr int kMaxDemands = 3;
// Urgent demands from failures a courtyard can have open: one per facility and level of urgency.
inline constexpr int kMaxUrgentDemands = kFacilityCount * kMaxDemands;
void demands(const Week& w, State& s, int32_t c);
// Whether the CPU runs AVX2 and simd_builds_allowed() (fee payment's, demands' and broken windows' loops
// are compiled for it and for the baseline x86-64, with the same results; life/fees.cpp).
bool cpu_has_avx2();
// How many of the 16-bit uniforms k / 2^16 (k = 0 .. 65535, Stream::to_uniform_pair) lie below p: the
// comparison `k / 2^16 < p` is `k < uniforms16_below(p)`, exactly (scaling by 2^16 is exact, and for an
// integer k, k < x exactly when k < ceil(x)); 0 for p <= 0 or NaN, 65536 for p > 65535 / 2^16.
inline int32_t uniforms16_below(double p) {
  const double scaled = std::ceil(p * 0x1p16);
  return scaled > 0 ? static_cast<int32_t>(std::min(scaled, 65536.0)) : 0;
}
// 6. moving (life/moving.cpp): leaving within the courtyard, then newcomers into vacancies.
void move_out(const Week& w, State& s, int32_t c);
void move_in(const Week& w, State& s, int32_t c);
// A newcomer household takes slot h (tenure owner or renter).
void settle_newcomer(const Model& m, State& s, int32_t c, int64_t h, Tenure tenure, double ability,
                     uint32_t draw_a, uint32_t draw_b);
// 7. ties and engagement (life/ties.cpp)
void ties_and_norms(const Week& w, State& s, int32_t c);

}  // namespace courtyard
