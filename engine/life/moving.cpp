// Moving out and in. Households leave at their tenure's ordinary yearly rate (owners about 7%, renters
// about 30%: US CPS 2006), raised by dissatisfaction by at most `dissatisfaction_odds` and by means when
// dissatisfied (those who can leave first). A leaving owner lets the flat, sells it or leaves it empty; a vacant flat on the market finds
// a newcomer at a rate that falls with disorder. Moves between courtyards of one community are made in
// the simulation's cross-courtyard phase (sim/simulation.cpp) from the `mover_ability` marks left here.
#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

namespace {
double weekly_from_yearly(double p_year) { return 1.0 - std::pow(1.0 - p_year, 1.0 / 52.0); }
constexpr double kEmptyToMarketPerWeek = 0.005;  // an empty flat put up for rent (assumption)
}  // namespace

void move_out(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.moving;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const double lo_owner = logit(weekly_from_yearly(p.owner_base_per_year));
  const double lo_renter = logit(weekly_from_yearly(p.renter_base_per_year));
  // odds x dissatisfaction_odds at satisfaction 0, x 1 at the ordinary 0.5, / dissatisfaction_odds at 1
  const double log_diss = std::log(p.dissatisfaction_odds);
  const double cue = disorder_cue(s, c);
  // shares of what a leaving owner does with the flat; selling gets harder with disorder
  const double sell = p.sell_share * (1.0 - 0.5 * cue);
  const double let = p.let_share;
  const double keep_empty = std::max(0.0, 1.0 - p.let_share - p.sell_share);
  const double total = let + sell + keep_empty;

  // the largest leaving probability anyone here can have: lo is linear in dissatisfaction d and means a
  // over [0,1]^2, so its maximum is at a corner. A draw above it needs no exp() to be decided.
  const double lo_base = std::max(lo_owner, lo_renter);
  const double p_max = logistic(std::max({lo_base + std::fabs(log_diss), lo_base + log_diss + 0.5 * p.means_weight,
                                          lo_base + log_diss - 0.5 * p.means_weight}));

  StreamWords words(w.model.seed, Purpose::kMoveOut, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const Tenure* tenure = s.tenure.data();
  float* mover_ability = s.mover_ability.data();
  int32_t leavers = 0, owners = 0, renters = 0, owners_left = 0, renters_left = 0;
  // a word for every flat; a first, branch-free pass counts the households at risk and keeps the few
  // whose draw is below p_max (in slot order); a second pass decides those
  int32_t candidate[StreamWords::kChunk];
  double candidate_u[StreamWords::kChunk];
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(std::min<int64_t>(StreamWords::kChunk, h1 - base));
    const uint32_t* word = words.take(n);
    int32_t ncandidate = 0;
    for (int32_t i = 0; i < n; ++i) {
      const int64_t h = base + i;
      const double u_leave = Stream::to_uniform(word[i]);
      mover_ability[h] = -1.f;
      const int32_t resident = tenure[h] != Tenure::kVacant, renter = tenure[h] == Tenure::kRenter;
      renters += renter;
      owners += resident & !renter;
      candidate[ncandidate] = i;
      candidate_u[ncandidate] = u_leave;
      ncandidate += resident & (u_leave < p_max);
    }
    for (int32_t k = 0; k < ncandidate; ++k) {
      const int64_t h = base + candidate[k];
      const double u_leave = candidate_u[k];
      const bool renter = s.tenure[h] == Tenure::kRenter;
      const double dissatisfaction = 1.0 - s.satisfaction[h];
      const double lo = (renter ? lo_renter : lo_owner) + log_diss * (2.0 * dissatisfaction - 1.0) +
                        p.means_weight * (s.ability[h] - 0.5) * dissatisfaction;
      if (u_leave >= logistic(lo)) continue;

      // this household leaves; some stay in the community and look for a flat in another courtyard
      // (a stream of its own, so leavers do not shift the draws of the households after them)
      double u_where, u_flat;
      Stream(w.model.seed, Purpose::kLeaving, static_cast<uint32_t>(c), static_cast<uint32_t>(h - h0),
             static_cast<uint32_t>(w.step))
          .uniform_pair(&u_where, &u_flat);
      if (u_where < p.within_community_share) s.mover_ability[h] = s.ability[h];
      ++leavers;
      renters_left += renter;
      owners_left += !renter;
      uint8_t market = kForRent;
      if (!renter) {
        const double x = u_flat * total;
        market = x < let ? kForRent : (x < let + sell ? kForSale : 0);
      }
      s.tenure[h] = Tenure::kVacant;
      s.flags[h] = market;
      s.demands[h] = 0;
    }
  }
  s.leavers[c] = leavers;
  s.move_outs[c] += leavers;
  s.move_outs_owner[c] += owners_left;
  s.move_outs_renter[c] += renters_left;
  s.owner_weeks[c] += owners;
  s.renter_weeks[c] += renters;
}

void move_in(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.moving;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const double env = environment_quality(s, c);
  const double cue = disorder_cue(s, c);
  // demand for housing in the community: inner-city flats on the market find tenants fast
  const double demand = w.model.courtyards[c].housing_demand;
  const double fill = clamp01(p.vacancy_fill_per_week * (0.5 + env) * demand);
  const double to_market = clamp01(kEmptyToMarketPerWeek * demand);
  int32_t arrivals = 0;
  // a stream per vacant flat: occupied flats draw nothing, and each flat's draws stay its own. The
  // vacant flats' first words are made together (core/rng.h philox_first_words), a chunk of flats at a time.
  uint32_t vacant[StreamWords::kChunk], word[StreamWords::kChunk];
  const Tenure* tenure = s.tenure.data();
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(std::min<int64_t>(StreamWords::kChunk, h1 - base));
    int32_t nvacant = 0;
    for (int32_t i = 0; i < n; ++i) {
      vacant[nvacant] = static_cast<uint32_t>(base + i - h0);
      nvacant += tenure[base + i] == Tenure::kVacant;
    }
    if (nvacant == 0) continue;
    philox_first_words(w.model.seed, Purpose::kMoveIn, static_cast<uint32_t>(c), vacant,
                       static_cast<uint32_t>(w.step), nvacant, word);
    for (int32_t k = 0; k < nvacant; ++k) {
      const int64_t h = h0 + vacant[k];
      double u_fill, u_buyer;
      Stream::to_uniform_pair(word[k], &u_fill, &u_buyer);
      const uint8_t market = s.flags[h] & (kForRent | kForSale);
      if (market == 0) {
        if (u_fill < to_market) s.flags[h] = kForRent;
        continue;
      }
      if (u_fill >= fill) continue;
      // a flat sold cheaply in a disordered courtyard often goes to an investor who lets it
      Tenure tenure_in = Tenure::kRenter;
      if (market == kForSale && u_buyer >= 0.5 * cue) tenure_in = Tenure::kOwner;
      settle_newcomer(w.model, s, c, h, tenure_in, -1.0, static_cast<uint32_t>(h - h0), static_cast<uint32_t>(w.step));
      ++arrivals;
    }
  }
  s.move_ins[c] += arrivals;
}

}  // namespace courtyard
