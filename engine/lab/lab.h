// The behavioural lab: the households' own decision rules run in the classic settings they are
// calibrated on, so a user can see that the rules reproduce the literature's regularities.
//
//   payment schedule (schedule): each cooperation type's strategy-method schedule, the probability
//     of paying given the share of others paying (Fischbacher, Gachter & Fehr 2001; Fischbacher &
//     Gachter 2010)
//   public goods game (pgg): a repeated linear public-goods game, with or without peer punishment,
//     antisocial punishment and a surprise restart (Ledyard 1995; Fehr & Gachter 2000; Herrmann,
//     Thoni & Gachter 2008; Nikiforakis 2008; Andreoni 1988; Xu, Cadsby, Fan & Song 2013)
//   littering (litter): Keizer, Lindenberg & Steg 2008's orderly vs disordered settings, for a cheap
//     violation (littering a flyer) and a costly one (taking an envelope with money)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace courtyard {

// A type's strategy-method schedule: pay probability against the share of others paying, from
// payment_probability at neutral conditions (trust, satisfaction and means 0.5; an owner; nobody
// collecting; no pressure). `pay` is indexed by CoopType.
struct ScheduleRow {
  double others = 0;       // share of the others paying, the belief
  double pay[4] = {};      // pay probability of each type (CoopType order)
  double population = 0;   // mean over types, weighted by the cooperation shares
};

// `points` >= 2 evenly spaced beliefs from 0 to 1.
std::vector<ScheduleRow> payment_schedule(const Params& params, int points);
// Least-squares slope of a type's schedule over the rows' beliefs (type -1: the population).
double schedule_slope(const std::vector<ScheduleRow>& rows, int type);

struct PggSettings {
  int32_t group_size = 4;
  int32_t rounds = 10;
  double endowment = 20;
  double mpcr = 0.4;          // marginal per-capita return of the public account
  int32_t groups = 2000;      // independent groups (each a new draw of players)
  uint64_t seed = 1;
  // share of the endowment players expect the others to give at first (assumption, calibrated so the
  // first round lies in Ledyard 1995's 40-60%; docs/ODD.md 7.15)
  double initial_belief = 0.9;
  // peer punishment (1:3 technology, Fehr & Gachter 2000): a point costs its giver 1 and its receiver
  // `punishment_effect`; an act gives `points_per_token` points per token of deviation from the mean
  double punishment_effect = 3;
  double points_per_token = 0.1;
  // half-life, in rounds, of the pressure a sanction adds (a round is a meeting-like interval)
  double pressure_half_life_rounds = 3;
  // antisocial punishment (Herrmann, Thoni & Gachter 2008) and counter-punishment (Nikiforakis 2008)
  bool antisocial = false;
  double antisocial_probability = 0.3;  // that a below-mean player punishes a given above-mean one
  double antisocial_weight = 1.0;       // share of -sanction_log_odds(level) a sanction from below adds
  // a surprise restart before this round (from 1; 0: none): beliefs go back to their first-round
  // values (Andreoni 1988)
  int32_t restart_at = 0;
};

struct PggRound {
  int32_t round = 0;  // from 1
  double mean_share = 0, sd_share = 0;  // contribution as a share of the endowment, over players
  double mean_payoff = 0;
  double punished = 0;     // share of players who received a punishment act from above the mean
  double antisocial = 0;   // share who received one from below (antisocial or counter-punishment)
};

// Runs the game; `punishment` adds a punishment stage after each round (settings.antisocial adds
// antisocial and counter-punishment to it).
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
