// `courtyard lab pgg|litter`: the households' decision rules in the experiments they are calibrated on.
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
      ("punishment", po::value(&punishment), "off, on, or both (default: both, side by side)")
      ("csv", po::value(&csv), "also write the table as CSV to this file");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard lab pgg [SCENARIO] [--group-size N] [--rounds N] [--mpcr M] [--punishment off|on|both]\n"
      "                         [--csv FILE]\n"
      "\n"
      "A repeated linear public-goods game played with the households' payment rule. The literature's\n"
      "regularities: first-round contributions around half the endowment, decay over rounds without\n"
      "punishment, stable or rising contributions with it.\n"
      "\n"
      "Example:\n"
      "  courtyard lab pgg --rounds 10 --groups 5000 --csv pgg.csv\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  if (punishment != "off" && punishment != "on" && punishment != "both")
    throw UsageError("--punishment must be off, on or both");
  if (g.group_size < 2 || g.rounds < 1 || g.groups < 1 || g.endowment <= 0 || g.mpcr <= 0)
    throw UsageError("need --group-size >= 2, --rounds >= 1, --groups >= 1, --endowment > 0, --mpcr > 0");
  const Model model = build_model(load(a));

  std::vector<PggRound> off, on;
  if (punishment != "on") off = run_public_goods_game(model.params, g, false);
  if (punishment != "off") on = run_public_goods_game(model.params, g, true);
  std::printf("public goods game: %d groups of %d, %d rounds, endowment %g, MPCR %g\n", g.groups, g.group_size,
              g.rounds, g.endowment, g.mpcr);
  std::printf("%6s %22s %22s\n", "round", off.empty() ? "" : "no punishment", on.empty() ? "" : "punishment");
  std::string out = "round,punishment,mean_share,sd_share,mean_payoff\n";
  for (int32_t t = 0; t < g.rounds; ++t) {
    std::printf("%6d", t + 1);
    for (const auto* rounds : {&off, &on}) {
      if (rounds->empty()) {
        std::printf(" %22s", "");
        continue;
      }
      const PggRound& r = (*rounds)[t];
      std::printf("   %5.1f%% (sd %4.1f%%)   ", 100 * r.mean_share, 100 * r.sd_share);
      char line[160];
      std::snprintf(line, sizeof line, "%d,%d,%.6f,%.6f,%.6f\n", r.round, rounds == &on ? 1 : 0, r.mean_share,
                    r.sd_share, r.mean_payoff);
      out += line;
    }
    std::printf("\n");
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
      "Usage: courtyard lab pgg|litter [options]   (courtyard lab pgg --help for each)\n";
  if (argc < 2) throw UsageError("lab needs an experiment: pgg or litter\n" + help);
  const std::string which = argv[1];
  if (which == "pgg") return lab_pgg(argc - 1, argv + 1);
  if (which == "litter") return lab_litter(argc - 1, argv + 1);
  if (which == "--help" || which == "-h") {
    std::cout << help;
    return 0;
  }
  throw UsageError("unknown lab experiment '" + which + "' (pgg or litter)");
}

}  // namespace courtyard
