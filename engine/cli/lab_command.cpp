// `courtyard lab schedule|pgg|litter`: the households' decision rules in the experiments they are
// calibrated on.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "core/errors.h"
#include "lab/lab.h"

namespace po = boost::program_options;

namespace courtyard {

namespace {

// Writes `csv` to `path` when given; the table goes to stdout either way.
void maybe_write_csv(const std::string& path, const std::string& csv) {
  if (path.empty()) return;
  std::ofstream out(path);
  if (!out) throw OutputCreateError("cannot write " + path);
  out << csv;
  if (!out) throw IoError("writing " + path + " failed");
}

// Parses "conditional,free_rider,hump,other" (any subset, any order) into CoopType indices.
std::vector<int> parse_types(const std::string& list) {
  static const char* names[4] = {"conditional", "free_rider", "hump", "other"};
  std::vector<int> out;
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string name = list.substr(at, comma - at);
    int found = -1;
    for (int t = 0; t < 4; ++t)
      if (name == names[t]) found = t;
    if (found < 0) throw UsageError("unknown type '" + name + "' in --types (conditional, free_rider, hump, other)");
    out.push_back(found);
    at = comma + 1;
  }
  return out;
}

int lab_schedule(int argc, char** argv) {
  static const char* names[4] = {"conditional", "free_rider", "hump", "other"};
  ScenarioArgs a;
  std::string csv, types = "conditional,free_rider,hump,other";
  int steps = 11;
  po::options_description opts("Options");
  opts.add_options()
      ("scenario", po::value(&a.path), "scenario whose behaviour parameters to use; default: the embedded one")
      ("types", po::value(&types)->default_value(types), "comma-separated types to show")
      ("steps", po::value(&steps)->default_value(steps), "points from 0 to 1 (>= 2)")
      ("csv", po::value(&csv), "also write the table as CSV to this file")
      // only --set of the scenario options: --steps here is the grid, not the run's weeks
      ("set", po::value(&a.sets)->composing(), "override a field: --set field.path=value (repeatable)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard lab schedule [SCENARIO] [--types conditional,free_rider,hump,other] [--steps 11]\n"
      "                              [--csv FILE]\n"
      "\n"
      "Each cooperation type's strategy-method schedule (Fischbacher, Gachter & Fehr 2001): the probability\n"
      "that a household pays against the share of the others paying, from the courtyard's payment rule at\n"
      "neutral conditions (trust, satisfaction and means 0.5; an owner; nobody collecting; no pressure).\n"
      "Also each type's least-squares slope and the population schedule, weighted by the type shares.\n"
      "Conditional cooperators should pay slightly less than they believe others pay (Fischbacher &\n"
      "Gachter 2010: slope below 1).\n"
      "\n"
      "Example:\n"
      "  courtyard lab schedule --steps 21 --csv schedule.csv\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  if (steps < 2) throw UsageError("need --steps >= 2");
  const std::vector<int> shown = parse_types(types);
  const Model model = build_model(load(a));
  const auto rows = payment_schedule(model.params, steps);
  const auto& c = model.params.cooperation;
  const double share[4] = {c.conditional_share, c.free_rider_share, c.hump_share, c.other_share};
  std::printf("strategy-method schedules: pay probability by the share of others paying\n");
  std::printf("%7s", "others");
  std::string out = "others";
  for (int t : shown) {
    std::printf(" %12s", names[t]);
    out += std::string(",") + names[t];
  }
  std::printf(" %12s\n", "population");
  out += ",population\n";
  for (const auto& r : rows) {
    std::printf("%6.0f%%", 100 * r.others);
    char line[64];
    std::snprintf(line, sizeof line, "%.6f", r.others);
    out += line;
    for (int t : shown) {
      std::printf(" %11.1f%%", 100 * r.pay[t]);
      std::snprintf(line, sizeof line, ",%.6f", r.pay[t]);
      out += line;
    }
    std::printf(" %11.1f%%\n", 100 * r.population);
    std::snprintf(line, sizeof line, ",%.6f\n", r.population);
    out += line;
  }
  auto slope = [&rows](int type) {
    const double s = schedule_slope(rows, type);
    return std::fabs(s) < 1e-9 ? 0.0 : s;  // no "-0.000" for a flat schedule
  };
  std::printf("%7s", "slope");
  for (int t : shown) std::printf(" %12.3f", slope(t));
  std::printf(" %12.3f\n", slope(-1));
  std::printf("%7s", "share");
  for (int t : shown) std::printf(" %11.0f%%", 100 * share[t]);
  std::printf(" %12s\n", "");
  std::printf("(slope: least-squares slope of the schedule over the grid; share: the type's share of households)\n");
  maybe_write_csv(csv, out);
  return 0;
}

int lab_pgg(int argc, char** argv) {
  ScenarioArgs a;
  PggSettings g;
  std::string csv, punishment = "both";
  po::options_description opts("Options");
  opts.add_options()
      ("scenario", po::value(&a.path), "scenario whose behaviour parameters to use; default: the embedded one")
      ("group-size", po::value(&g.group_size)->default_value(g.group_size), "players per group")
      ("rounds", po::value(&g.rounds)->default_value(g.rounds), "rounds")
      ("endowment", po::value(&g.endowment)->default_value(g.endowment), "tokens per player and round")
      ("mpcr", po::value(&g.mpcr)->default_value(g.mpcr), "marginal per-capita return of the public account")
      ("groups", po::value(&g.groups)->default_value(g.groups), "independent groups")
      ("lab-seed", po::value(&g.seed)->default_value(g.seed), "seed of the lab draws")
      ("initial-belief", po::value(&g.initial_belief)->default_value(g.initial_belief),
       "share of the endowment players first expect the others to give")
      ("punishment", po::value(&punishment), "off, on, or both (default: both, side by side)")
      ("punishment-effect", po::value(&g.punishment_effect)->default_value(g.punishment_effect),
       "payoff a punishment point takes from its receiver (its giver pays 1)")
      ("points-per-token", po::value(&g.points_per_token)->default_value(g.points_per_token),
       "punishment points an act gives per token of deviation from the group mean")
      ("pressure-half-life", po::value(&g.pressure_half_life_rounds)->default_value(g.pressure_half_life_rounds),
       "half-life, in rounds, of the pressure a sanction adds")
      ("antisocial", po::bool_switch(&g.antisocial),
       "add a column where low contributors also punish high ones and resenters punish back")
      ("antisocial-probability", po::value(&g.antisocial_probability)->default_value(g.antisocial_probability),
       "probability that a below-mean player punishes a given above-mean one")
      ("antisocial-weight", po::value(&g.antisocial_weight)->default_value(g.antisocial_weight),
       "share of the sanction's log-odds a sanction from below takes off its receiver's willingness")
      ("restart-at", po::value(&g.restart_at)->default_value(g.restart_at),
       "a surprise restart before this round: beliefs start over (0: none)")
      ("csv", po::value(&csv), "also write the table as CSV to this file");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard lab pgg [SCENARIO] [--group-size N] [--rounds N] [--mpcr M] [--punishment off|on|both]\n"
      "                         [--antisocial] [--restart-at R] [--csv FILE]\n"
      "\n"
      "A repeated linear public-goods game played with the households' payment rule. The literature's\n"
      "regularities: first-round contributions around half the endowment (Ledyard 1995: 40-60%), decay over\n"
      "rounds without punishment, stable or rising contributions with peer punishment (Fehr & Gachter 2000),\n"
      "also in groups of 40 (Xu, Cadsby, Fan & Song 2013). Punishment uses the courtyard's sanction rule:\n"
      "above-mean players punish below-mean ones; an act's severity is 3 x the share of the others who\n"
      "punished (a notice when all did), and it adds sanction_effect x severity log-odds unless resented.\n"
      "--antisocial adds a column where below-mean players also punish above-mean ones and resenters punish\n"
      "back (Herrmann, Thoni & Gachter 2008; Nikiforakis 2008): contributions stay lower. --restart-at R\n"
      "announces a new game before round R: contributions jump back up (Andreoni 1988).\n"
      "\n"
      "Examples:\n"
      "  courtyard lab pgg --rounds 10 --groups 5000 --csv pgg.csv\n"
      "  courtyard lab pgg --group-size 40 --antisocial --restart-at 6\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  if (punishment != "off" && punishment != "on" && punishment != "both")
    throw UsageError("--punishment must be off, on or both");
  if (g.group_size < 2 || g.rounds < 1 || g.groups < 1 || g.endowment <= 0 || g.mpcr <= 0)
    throw UsageError("need --group-size >= 2, --rounds >= 1, --groups >= 1, --endowment > 0, --mpcr > 0");
  if (g.restart_at < 0 || g.initial_belief < 0 || g.initial_belief > 1 || g.points_per_token < 0 ||
      g.pressure_half_life_rounds < 0 || g.antisocial_probability < 0 || g.antisocial_probability > 1 ||
      g.antisocial_weight < 0 || g.punishment_effect < 0)
    throw UsageError("need --restart-at >= 0, --initial-belief and --antisocial-probability in [0, 1], and the "
                     "punishment settings >= 0");
  const Model model = build_model(load(a));

  struct Column {
    const char* title;
    bool punishment, antisocial;
    std::vector<PggRound> rounds;
  };
  std::vector<Column> cols;
  if (punishment != "on") cols.push_back({"no punishment", false, false, {}});
  if (punishment != "off") cols.push_back({"punishment", true, false, {}});
  if (punishment != "off" && g.antisocial) cols.push_back({"antisocial", true, true, {}});
  for (auto& col : cols) {
    PggSettings s = g;
    s.antisocial = col.antisocial;
    col.rounds = run_public_goods_game(model.params, s, col.punishment);
  }
  std::printf("public goods game: %d groups of %d, %d rounds, endowment %g, MPCR %g", g.groups, g.group_size,
              g.rounds, g.endowment, g.mpcr);
  if (g.restart_at > 1) std::printf(", restart before round %d", g.restart_at);
  std::printf("\n%6s", "round");
  for (const auto& col : cols) std::printf(" %22s", col.title);
  std::printf("\n");
  std::string out = "round,punishment,antisocial,mean_share,sd_share,mean_payoff,punished,punished_from_below\n";
  for (int32_t t = 0; t < g.rounds; ++t) {
    std::printf("%6d", t + 1);
    for (const auto& col : cols) {
      const PggRound& r = col.rounds[t];
      std::printf("   %5.1f%% (sd %4.1f%%)   ", 100 * r.mean_share, 100 * r.sd_share);
      char line[200];
      std::snprintf(line, sizeof line, "%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f\n", r.round, col.punishment ? 1 : 0,
                    col.antisocial ? 1 : 0, r.mean_share, r.sd_share, r.mean_payoff, r.punished, r.antisocial);
      out += line;
    }
    std::printf("%s\n", g.restart_at > 1 && t + 1 == g.restart_at ? "  <- restart" : "");
  }
  std::printf("(contribution as a share of the endowment; mean over players, sd over players)\n");
  maybe_write_csv(csv, out);
  return 0;
}

int lab_litter(int argc, char** argv) {
  ScenarioArgs a;
  LitterSettings g;
  std::string csv;
  po::options_description opts("Options");
  opts.add_options()
      ("scenario", po::value(&a.path), "scenario whose behaviour parameters to use; default: the embedded one")
      ("subjects", po::value(&g.subjects)->default_value(g.subjects), "passers-by per condition and seed")
      ("seeds", po::value(&g.seeds)->default_value(g.seeds), "replications")
      ("lab-seed", po::value(&g.seed)->default_value(g.seed), "first seed")
      ("cheap-base", po::value(&g.cheap_base)->default_value(g.cheap_base), "cheap violation rate, orderly")
      ("costly-base", po::value(&g.costly_base)->default_value(g.costly_base), "costly violation rate, orderly")
      ("csv", po::value(&csv), "also write the table as CSV to this file");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard lab litter [SCENARIO] [--subjects N] [--seeds K] [--csv FILE]\n"
      "\n"
      "Keizer, Lindenberg & Steg (2008)'s orderly vs disordered settings with the households' violation\n"
      "rule: littering a flyer (cheap; 33% vs 69% in the field) and taking an envelope (costly).\n"
      "\n"
      "Example:\n"
      "  courtyard lab litter --subjects 5000 --csv litter.csv\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  if (g.subjects < 1 || g.seeds < 1) throw UsageError("need --subjects >= 1 and --seeds >= 1");
  const Model model = build_model(load(a));
  const auto cells = run_litter_experiment(model.params, g);
  std::printf("%-8s %-11s %8s %9s %9s\n", "violation", "setting", "rate", "95% CI", "subjects");
  std::string out = "violation,setting,rate,ci95,subjects\n";
  for (const auto& c : cells) {
    std::printf("%-9s %-11s %7.1f%% %8.1f%% %9lld\n", c.violation.c_str(), c.setting.c_str(), 100 * c.rate,
                100 * c.ci95, static_cast<long long>(c.subjects));
    char line[160];
    std::snprintf(line, sizeof line, "%s,%s,%.6f,%.6f,%lld\n", c.violation.c_str(), c.setting.c_str(), c.rate,
                  c.ci95, static_cast<long long>(c.subjects));
    out += line;
  }
  std::printf("disordered/orderly ratio: cheap %.2f, costly %.2f\n", cells[1].rate / cells[0].rate,
              cells[3].rate / cells[2].rate);
  maybe_write_csv(csv, out);
  return 0;
}

}  // namespace

int cmd_lab(int argc, char** argv) {
  const std::string help =
      "Usage: courtyard lab schedule|pgg|litter [options]   (courtyard lab pgg --help for each)\n"
      "\n"
      "  schedule  each cooperation type's payment schedule against the share of others paying\n"
      "  pgg       a repeated public-goods game, with peer (and antisocial) punishment and restarts\n"
      "  litter    Keizer, Lindenberg & Steg (2008)'s orderly vs disordered settings\n"
      "\n"
      "Example:\n"
      "  courtyard lab schedule\n";
  if (argc < 2) throw UsageError("lab needs an experiment: schedule, pgg or litter\n" + help);
  const std::string which = argv[1];
  if (which == "schedule") return lab_schedule(argc - 1, argv + 1);
  if (which == "pgg") return lab_pgg(argc - 1, argv + 1);
  if (which == "litter") return lab_litter(argc - 1, argv + 1);
  if (which == "--help" || which == "-h") {
    std::cout << help;
    return 0;
  }
  throw UsageError("unknown lab experiment '" + which + "' (schedule, pgg or litter)");
}

}  // namespace courtyard
