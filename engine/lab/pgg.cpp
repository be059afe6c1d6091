// The repeated linear public-goods game played with the households' payment rule.
//
// Each player's contribution share is the probability its type would pay given its belief about the
// others (payment_probability with neutral trust, satisfaction and means, no collector): the same rule
// the courtyard uses, read as a continuous contribution. After each round every player sees the others'
// mean contribution and updates its belief as a well-connected household does. With punishment, players
// who gave more than the group mean punish those who gave less, in proportion to the shortfall; a
// punished player adds the sanction it expects to its willingness next round (weight: an assumption).
#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "lab/lab.h"
#include "life/life.h"

namespace courtyard {

namespace {
constexpr double kPunishPerShortfall = 0.5;  // points given per unit of endowment-share shortfall
constexpr double kSanctionWeight = 8.0;      // log-odds per point received (assumption, docs/ODD.md)
constexpr double kSanctionMemory = 0.9;      // share of the expected sanction kept from round to round
}  // namespace

std::vector<PggRound> run_public_goods_game(const Params& params, const PggSettings& g, bool punishment) {
  const int n = g.group_size;
  std::vector<PggRound> rounds(g.rounds);
  std::vector<double> sum_share(g.rounds, 0), sum_share2(g.rounds, 0), sum_payoff(g.rounds, 0);
  std::vector<CoopType> type(n);
  std::vector<double> belief(n), share(n), pressure(n), payoff(n), points(n);
  const auto& c = params.cooperation;

  for (int32_t grp = 0; grp < g.groups; ++grp) {
    Stream r(g.seed, Purpose::kLab, static_cast<uint32_t>(grp), punishment ? 1u : 0u, 0);
    for (int i = 0; i < n; ++i) {
      const double u = r.uniform();
      type[i] = u < c.conditional_share                                     ? CoopType::kConditional
                : u < c.conditional_share + c.free_rider_share               ? CoopType::kFreeRider
                : u < c.conditional_share + c.free_rider_share + c.hump_share ? CoopType::kHump
                                                                               : CoopType::kOther;
      belief[i] = clamp01(g.initial_belief + 0.1 * r.noise());
      pressure[i] = 0;
    }
    for (int32_t t = 0; t < g.rounds; ++t) {
      // contributions
      double total = 0;
      for (int i = 0; i < n; ++i) {
        const double willingness = payment_probability(params, type[i], belief[i], 0.5, 0.5, 0.5, false, false);
        share[i] = logistic(logit(std::clamp(willingness, 1e-9, 1 - 1e-9)) + pressure[i]);
        total += share[i];
      }
      const double mean = total / n;
      for (int i = 0; i < n; ++i) payoff[i] = g.endowment * (1 - share[i]) + g.mpcr * g.endowment * total;
      // punishment stage
      if (punishment) {
        for (int i = 0; i < n; ++i) points[i] = 0;
        for (int i = 0; i < n; ++i) {
          if (share[i] <= mean) continue;
          for (int j = 0; j < n; ++j)
            if (share[j] < mean) {
              const double p = kPunishPerShortfall * (mean - share[j]) * g.endowment / 4;
              points[j] += p;
              payoff[i] -= p;
            }
        }
        for (int i = 0; i < n; ++i) {
          payoff[i] -= g.punishment_effect * points[i];
          pressure[i] = kSanctionMemory * pressure[i] + kSanctionWeight * points[i] / g.endowment * 4;
        }
      }
      // beliefs: everyone sees the others' mean contribution
      for (int i = 0; i < n; ++i) {
        const double others = (total - share[i]) / (n - 1);
        belief[i] += c.belief_learning_rate * (others - belief[i]);
      }
      for (int i = 0; i < n; ++i) {
        sum_share[t] += share[i];
        sum_share2[t] += share[i] * share[i];
        sum_payoff[t] += payoff[i];
      }
    }
  }
  const double players = static_cast<double>(g.groups) * n;
  for (int32_t t = 0; t < g.rounds; ++t) {
    const double mean = sum_share[t] / players;
    rounds[t] = PggRound{t + 1, mean, std::sqrt(std::max(0.0, sum_share2[t] / players - mean * mean)),
                         sum_payoff[t] / players};
  }
  return rounds;
}

}  // namespace courtyard
