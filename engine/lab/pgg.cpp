// The repeated linear public-goods game played with the households' payment rule.
//
// Each player's contribution share is the probability its type would pay given its belief about the
// others and the pressure of sanctions received (payment_probability with neutral trust, satisfaction
// and means, no collector): the same rule the courtyard uses, read as a continuous contribution. After
// each round every player sees the others' mean contribution and updates its belief as a well-connected
// household does.
//
// Punishment uses the courtyard's sanction rule (sanction_log_odds, resentment_probability). Every
// player who gave more than the group mean punishes every player who gave less; a punished player's act
// has the severity level 3 x (share of the other members who punished it), so being punished by all the
// others is a "notice" whatever the group size. It resents the act with resentment_probability(level),
// and otherwise adds sanction_log_odds(level) to its pressure; the pressure fades between rounds with a
// half-life in rounds. With `antisocial`, players below the mean also punish those above it (each with
// a probability), resenters punish their punishers back the next round (counter-punishment), a sanction
// from below lowers the receiver's pressure, and a counter-punished player is deterred from punishing
// the next round. docs/ODD.md 7.15.
#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "lab/lab.h"
#include "life/life.h"

namespace courtyard {

namespace {
// the severity of an act received from every other member: a notice at the gate (3), the covenant's top
constexpr double kFullSeverity = 3.0;
}  // namespace

std::vector<PggRound> run_public_goods_game(const Params& params, const PggSettings& g, bool punishment) {
  const int n = g.group_size;
  const size_t nn = static_cast<size_t>(n);
  std::vector<PggRound> rounds(g.rounds);
  std::vector<double> sum_share(g.rounds, 0), sum_share2(g.rounds, 0), sum_payoff(g.rounds, 0);
  std::vector<double> sum_punished(g.rounds, 0), sum_antisocial(g.rounds, 0);
  std::vector<CoopType> type(nn);
  std::vector<double> belief(nn), belief0(nn), share(nn), pressure(nn), payoff(nn), points_in(nn), cost(nn);
  std::vector<int> from_above(nn), from_below(nn);
  std::vector<char> deterred(nn), deterred_next(nn);
  // act[i * n + j]: points i gave j this round in ordinary punishment; revenge[i * n + j]: points i owes
  // j next round, for an act i resented (counter-punishment, only with antisocial punishment)
  std::vector<double> act(nn * nn), revenge(nn * nn);
  const auto& c = params.cooperation;
  const double keep = fade(1.0, g.pressure_half_life_rounds);  // what a round leaves of the pressure
  const double level_per_act = n > 1 ? kFullSeverity / (n - 1) : 0.0;

  for (int32_t grp = 0; grp < g.groups; ++grp) {
    // players are drawn from one stream and the punishment stage from another, so that the treatments
    // (no punishment, punishment, antisocial) play the same players
    Stream r(g.seed, Purpose::kLab, static_cast<uint32_t>(grp), 0, 0);
    Stream rs(g.seed, Purpose::kLab, static_cast<uint32_t>(grp), 1, 0);
    for (size_t i = 0; i < nn; ++i) {
      const double u = r.uniform();
      type[i] = u < c.conditional_share                                     ? CoopType::kConditional
                : u < c.conditional_share + c.free_rider_share               ? CoopType::kFreeRider
                : u < c.conditional_share + c.free_rider_share + c.hump_share ? CoopType::kHump
                                                                               : CoopType::kOther;
      belief0[i] = belief[i] = clamp01(g.initial_belief + 0.1 * r.noise());
      pressure[i] = 0;
      deterred[i] = 0;
    }
    std::fill(revenge.begin(), revenge.end(), 0.0);
    for (int32_t t = 0; t < g.rounds; ++t) {
      // a surprise restart: a new game is announced, and beliefs start over (Andreoni 1988)
      if (g.restart_at > 1 && t + 1 == g.restart_at) belief = belief0;
      // contributions
      double total = 0;
      for (size_t i = 0; i < nn; ++i) {
        share[i] = payment_probability(params, type[i], belief[i], 0.5, 0.5, 0.5, false, false, pressure[i]);
        total += share[i];
      }
      const double mean = total / n;
      for (size_t i = 0; i < nn; ++i) payoff[i] = g.endowment * (1 - share[i]) + g.mpcr * g.endowment * total;
      // punishment stage
      if (punishment) {
        std::fill(points_in.begin(), points_in.end(), 0.0);
        std::fill(cost.begin(), cost.end(), 0.0);
        std::fill(from_above.begin(), from_above.end(), 0);
        std::fill(from_below.begin(), from_below.end(), 0);
        std::fill(act.begin(), act.end(), 0.0);
        std::fill(deterred_next.begin(), deterred_next.end(), 0);
        for (size_t i = 0; i < nn; ++i)
          for (size_t j = 0; j < nn; ++j) {
            if (i == j) continue;
            double p = 0;
            bool below = false;  // an act from a lower contributor (or revenge)
            if (share[i] > mean && share[j] < mean && !deterred[i]) {
              p = g.points_per_token * (mean - share[j]) * g.endowment;  // ordinary punishment
              act[i * nn + j] = p;
            } else if (g.antisocial && share[i] < mean && share[j] > mean) {
              // antisocial punishment (one draw per such pair)
              if (rs.uniform() < g.antisocial_probability) {
                p = g.points_per_token * (share[j] - mean) * g.endowment;
                below = true;
              }
            }
            if (g.antisocial && revenge[i * nn + j] > 0) {  // counter-punishment of last round's punisher
              p += revenge[i * nn + j];
              below = true;
              deterred_next[j] = 1;
            }
            if (p <= 0) continue;
            points_in[j] += p;
            cost[i] += p;
            if (below) ++from_below[j];
            else ++from_above[j];
          }
        std::fill(revenge.begin(), revenge.end(), 0.0);
        for (size_t j = 0; j < nn; ++j) {
          payoff[j] -= cost[j] + g.punishment_effect * points_in[j];
          pressure[j] *= keep;
          if (from_above[j] > 0) {
            const double level = level_per_act * from_above[j];
            if (rs.uniform() < resentment_probability(params, level)) {
              // resented: no pressure; with antisocial punishment, the punishers are paid back next round
              if (g.antisocial)
                for (size_t i = 0; i < nn; ++i) revenge[j * nn + i] = act[i * nn + j];
            } else {
              pressure[j] += sanction_log_odds(params, level);
            }
          }
          // a sanction from below lowers the receiver's willingness
          if (from_below[j] > 0) pressure[j] -= g.antisocial_weight * sanction_log_odds(params, level_per_act * from_below[j]);
          sum_punished[t] += from_above[j] > 0;
          sum_antisocial[t] += from_below[j] > 0;
        }
        deterred.swap(deterred_next);
      }
      // beliefs: everyone sees the others' mean contribution
      for (size_t i = 0; i < nn; ++i) {
        const double others = (total - share[i]) / (n - 1);
        belief[i] += c.belief_learning_rate * (others - belief[i]);
      }
      for (size_t i = 0; i < nn; ++i) {
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
                         sum_payoff[t] / players, sum_punished[t] / players, sum_antisocial[t] / players};
  }
  return rounds;
}

}  // namespace courtyard
