// The behavioural lab: the households' own decision rules run in the classic settings they are
// calibrated on, so a user can see that the rules reproduce the literature's regularities.
//
//   public goods game (pgg): a repeated linear public-goods game, with or without peer punishment
//     (Ledyard 1995; Fischbacher, Gachter & Fehr 2001; Fehr & Gachter 2000)
//   littering (litter): Keizer, Lindenberg & Steg 2008's orderly vs disordered settings, for a cheap
//     violation (littering a flyer) and a costly one (taking an envelope with money)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace courtyard {

struct PggSettings {
  int32_t group_size = 4;
  int32_t rounds = 10;
  double endowment = 20;
  double mpcr = 0.4;          // marginal per-capita return of the public account
  int32_t groups = 2000;      // independent groups (each a new draw of players)
  uint64_t seed = 1;
  double initial_belief = 0.6;  // share of the endowment players expect others to give at first
  // peer punishment: a punishment point costs its giver 1 and its receiver `punishment_effect`
  double punishment_effect = 3;
};

struct PggRound {
  int32_t round = 0;  // from 1
  double mean_share = 0, sd_share = 0;  // contribution as a share of the endowment, over groups
  double mean_payoff = 0;
};

// Runs the game; `punishment` adds a punishment stage after each round.
std::vector<PggRound> run_public_goods_game(const Params& params, const PggSettings& settings, bool punishment);

struct LitterSettings {
  int32_t subjects = 2000;  // passers-by per condition and seed
  int32_t seeds = 1;
  uint64_t seed = 1;
  double cheap_base = 0.33;   // Keizer et al. 2008, study 1: flyers littered with clean walls
  double costly_base = 0.13;  // Keizer et al. 2008, study 6: envelope taken, orderly setting
};

struct LitterCell {
  std::string violation;  // "cheap" or "costly"
  std::string setting;    // "orderly" or "disordered"
  double rate = 0;        // share who violated
  double ci95 = 0;        // half-width of the 95% interval (normal approximation)
  int64_t subjects = 0;
};

// Four cells: cheap/costly x orderly/disordered.
std::vector<LitterCell> run_litter_experiment(const Params& params, const LitterSettings& settings);

}  // namespace courtyard
