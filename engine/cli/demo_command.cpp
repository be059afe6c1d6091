// `courtyard demo`: the trainer's demo. Runs a case with its intervention and its baseline side by side
// on the same seeds, then tells what happened month by month (from the events), shows a table of outcomes
// at chosen months, and draws the pictures with the analysis scripts.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/common.h"
#include "core/errors.h"
#include "core/version.h"
#include "model/metric_table.h"
#include "scenario/scenario.h"
#include "sim/run.h"

namespace po = boost::program_options;

namespace courtyard {

namespace {

// A demo: the intervention scenario, how its baseline differs, and what the table shows.
struct DemoCase {
  std::string name;                     // jiangdong | roof-insulation
  std::string scenario;                 // embedded scenario of the intervention
  std::string baseline;                 // embedded scenario of the baseline ("": the same one ...)
  std::vector<std::string> baseline_overrides;  // ... with these overrides
  std::string courtyard;                // the courtyard the narrative and table follow
  std::vector<int32_t> table_steps;     // records shown in the table
  const char* table_unit;               // "month" or "week"
};

const DemoCase kCases[] = {
    {"jiangdong", "jiangdong_minju_pilot", "jiangdong_minju_baseline", {}, "Jiangdong Minju Zone 2",
     {0, 26, 52, 104}, "month"},
    {"roof-insulation", "roof_insulation_meeting", "",
     {"interventions[1].meeting.persuasion=false", "courtyards[0].joint_payment_history=0"},
     "龙舟路60号院新五栋", {0, 4, 8, 12}, "week"},  // Longzhou Road No. 60, new building 5
};

// --without takes a step of the pilot (organisation, hardware, covenant, services) or any component
// of its package (package_component_names()); components needing a removed one go with it
bool is_package_name(const std::string& name) {
  for (const auto* list : {&package_step_names(), &package_component_names()})
    for (const auto& n : *list)
      if (n == name) return true;
  return false;
}

std::string package_names_text() {
  std::string out = "the steps";
  for (const auto& n : package_step_names()) out += " " + n;
  out += ", or the components";
  for (const auto& n : package_component_names()) out += " " + n;
  return out;
}

struct Row {
  const char* metric;
  const char* label;
  bool cumulative;  // sum of the per-record counter since the start
};
const Row kRows[] = {{"collection_rate", "fee collection rate", false},
                     {"condition_index", "facility condition", false},
                     {"disorder", "disorder", false},
                     {"trust_mean", "trust", false},
                     {"renter_share", "renter share", false},
                     {"move_outs", "move-outs (cumulative)", true},
                     {"move_outs_owner", "  of which owners", true},
                     {"move_outs_renter", "  of which renters", true},
                     {"star_rating", "star rating", false},
                     {"fund_balance", "fund (yuan)", false},
                     {"levy_paid_share", "last levy paid share", false}};

// One run: the followed courtyard's metric values at every record, and the events.
struct DemoRun {
  std::map<std::string, std::vector<double>> series;  // metric -> value per record
  std::vector<int32_t> steps;                           // step of each record
  std::vector<Event> events;
  std::string path;
  RunCosts costs;  // the whole scenario's costs; collection: the followed courtyard's at the last record
};

DemoRun run_one(const std::string& scenario_name, const std::vector<std::string>& overrides, int seed,
                const std::string& path, const std::string& courtyard, const std::string& command_line) {
  std::vector<std::string> o = overrides;
  o.push_back("run.seed=" + std::to_string(seed));
  const Model model = build_model(load_scenario_text("<embedded:" + scenario_name + ">", embedded_scenario(scenario_name), false, o));
  int32_t c = -1;
  for (int32_t i = 0; i < model.ncourtyard(); ++i)
    if (model.courtyards[i].name == courtyard) c = i;
  if (c < 0) throw IoError("the demo scenario has no courtyard named " + courtyard);

  DemoRun out;
  RunOptions options;
  options.output_path = path;
  options.force = true;  // the demo folder is the demo's own
  options.info = RunFileInfo{engine_version(), git_commit(), command_line, "", "", ""};
  options.events = &out.events;
  CostTally tally;
  options.on_record = [&](int32_t step, std::span<const float> values, std::span<const double> subdistrict) {
    tally.add(subdistrict);
    out.steps.push_back(step);
    const size_t nc = static_cast<size_t>(model.ncourtyard());
    for (const Row& row : kRows) {
      const int id = find_metric(row.metric);
      // the demo scenarios record every metric, in the table's order
      const bool found = model.output.metrics.empty() && !model.output.per_facility && (id + 1) * nc <= values.size();
      out.series[row.metric].push_back(found ? values[id * nc + c] : std::nan(""));
    }
  };
  const RunResult r = run_model(model, options);
  out.path = r.path;
  double households = 0;
  for (const auto& cy : model.courtyards) households += cy.households;
  out.costs = tally.costs(r.columns, households);
  const auto& rate = out.series.at("collection_rate");
  out.costs.collection = rate.empty() ? std::nan("") : rate.back();
  return out;
}

std::string month_label(const Model& m, int32_t step) {
  const Date d = m.date_of_step(step);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

// The narrative: one plain line per intervention, meeting and levy, by month.
void print_narrative(const Model& m, const DemoRun& run, int32_t courtyard) {
  int32_t residents = m.courtyards[courtyard].households;
  for (const Event& e : run.events) {
    if (e.courtyard != courtyard) continue;
    // calendar months since the start
    const Date d = m.date_of_step(e.step);
    const int month = (d.year - m.start_date.year) * 12 + d.month - m.start_date.month;
    const std::string when = "month " + std::to_string(month) + " (" + month_label(m, e.step) + ", week " + std::to_string(e.step) + "): ";
    switch (e.type) {
      case EventType::kInterventionStart:
        std::printf("  %s%s%s\n", when.c_str(), m.interventions[e.subject].name.c_str(),
                    e.amount > 0 ? (" (" + std::to_string(static_cast<long long>(std::lround(e.amount))) + " yuan)").c_str() : "");
        break;
      case EventType::kInterventionDeferred:
        std::printf("  %s%s waits: the budget cannot pay %.0f yuan\n", when.c_str(), m.interventions[e.subject].name.c_str(), e.amount);
        break;
      case EventType::kMeeting: {
        const char* caller = e.caller == static_cast<int32_t>(Caller::kCouncil)     ? "the residents' council"
                             : e.caller == static_cast<int32_t>(Caller::kCommittee) ? "the residents' committee"
                             : e.caller == static_cast<int32_t>(Caller::kOwnersCommittee) ? "the owners' committee"
                                                                                    : "the community";
        const int present = e.attendees;
        const int households = e.share > 0 ? static_cast<int>(std::lround(present / e.share)) : residents;
        std::printf("  %sa courtyard meeting on %s, called by %s: %d of %d households present, %s %d to %d (%d abstained)\n",
                    when.c_str(), m.proposals[e.subject].name.c_str(), caller, present, households,
                    e.outcome ? "adopted" : "rejected", e.yes, e.no, e.abstain);
        break;
      }
      case EventType::kLevy:
        std::printf("  %sthe levy for %s %s: %d of %d households paid (%.0f%%)%s\n", when.c_str(),
                    m.proposals[e.subject].name.c_str(), e.outcome ? "goes ahead" : "fails", e.yes, e.attendees,
                    100.0 * e.share, e.outcome ? "" : ", money returned");
        break;
      default: break;  // failures and repairs are too many to tell
    }
  }
}

std::string cell(const std::vector<double>& xs) {
  double mean = 0, n = 0;
  for (double x : xs)
    if (!std::isnan(x)) {
      mean += x;
      ++n;
    }
  if (n == 0) return "-";
  mean /= n;
  char buf[48];
  const bool big = std::fabs(mean) >= 100;
  if (xs.size() > 1) {
    double var = 0;
    for (double x : xs)
      if (!std::isnan(x)) var += (x - mean) * (x - mean);
    const double sd = n > 1 ? std::sqrt(var / (n - 1)) : 0;
    std::snprintf(buf, sizeof buf, big ? "%.0f ±%.0f" : "%.2f ±%.2f", mean, sd);
  } else {
    std::snprintf(buf, sizeof buf, big ? "%.0f" : "%.2f", mean);
  }
  return buf;
}

// The value of a row at a record index, for one run.
double value_at(const DemoRun& r, const Row& row, size_t record) {
  const auto& s = r.series.at(row.metric);
  if (!row.cumulative) return s[record];
  double sum = 0;
  for (size_t i = 1; i <= record; ++i) sum += s[i];
  return sum;
}

int run_script(const std::string& command) {
  std::fflush(stdout);
  return std::system(command.c_str());
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

int cmd_demo(int argc, char** argv) {
  std::string which = "jiangdong", out_dir = "courtyard-demo";
  std::vector<std::string> without;
  int seeds = 5;
  bool plots = true;
  po::options_description opts("Options");
  opts.add_options()
      ("case", po::value(&which), "jiangdong (default) or roof-insulation")
      ("without", po::value(&without)->composing(), "leave a step of the pilot (organisation, hardware, covenant, services) or a component of its package out (repeatable; see --help)")
      ("seeds", po::value(&seeds)->default_value(seeds), "seeds to run (each for the intervention and the baseline)")
      ("output,o", po::value(&out_dir), "folder for the result files and pictures (default: courtyard-demo)")
      ("no-plots", "skip the pictures");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard demo [jiangdong|roof-insulation] [--without STEP ...] [--seeds N] [-o DIR]\n"
      "\n"
      "The trainer's demo: the Jiangdong Minju pilot (or the roof-insulation meeting) and its baseline on the\n"
      "same seeds, a month-by-month narrative of what happened, a side-by-side table, what it cost and what it\n"
      "bought (yuan by payer, staff and volunteer hours, per household, collection gained and cost per point\n"
      "gained against the baseline of the same seed: mean over the seeds, lowest and highest in brackets), and\n"
      "pictures.\n"
      "\n"
      "Examples:\n"
      "  courtyard demo                         # the pilot with all four steps, 5 seeds\n"
      "  courtyard demo --without covenant      # what the covenant step adds\n"
      "  courtyard demo --without home_visits   # any component of the package\n"
      "\n"
      "--without takes the steps organisation, hardware, covenant, services, or a component:\n"
      "  platform assets_survey demands_survey home_visits party_members_known three_level_meetings\n"
      "  party_branch council council_meetings committee accounts_at_gate cleaning_campaign\n"
      "  hardware_works covenant awards activities services\n"
      "Components that need a removed one go with it (awards need the covenant).\n"
      "  courtyard demo roof-insulation --seeds 10 -o roof\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  plots = vm.count("no-plots") == 0;
  const DemoCase* dc = nullptr;
  for (const auto& c : kCases)
    if (c.name == which) dc = &c;
  if (!dc) throw UsageError("unknown demo '" + which + "' (jiangdong or roof-insulation)");
  if (seeds < 1 || seeds > 100) throw UsageError("--seeds must be in [1, 100]");
  std::vector<std::string> overrides;
  for (size_t i = 0; i < without.size(); ++i) {
    if (!is_package_name(without[i]))
      throw UsageError("--without takes " + package_names_text() + "; not '" + without[i] + "'");
    if (dc->name != "jiangdong") throw UsageError("--without applies to the jiangdong demo");
    overrides.push_back("interventions[0].package.without[" + std::to_string(i) + "]=" + without[i]);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw OutputCreateError("cannot create " + out_dir + ": " + ec.message());

  // the runs
  const std::string command_line = "courtyard demo " + which;
  std::vector<DemoRun> pilot, base;
  for (int k = 1; k <= seeds; ++k) {
    const std::string tag = "seed" + std::to_string(k) + ".h5";
    pilot.push_back(run_one(dc->scenario, overrides, k, out_dir + "/intervention-" + tag, dc->courtyard, command_line));
    base.push_back(run_one(dc->baseline.empty() ? dc->scenario : dc->baseline, dc->baseline_overrides, k,
                           out_dir + "/baseline-" + tag, dc->courtyard, command_line));
  }

  // the narrative of the first seed
  std::vector<std::string> o = overrides;
  o.push_back("run.seed=1");
  const Model model = build_model(load_scenario_text("<embedded>", embedded_scenario(dc->scenario), false, o));
  int32_t c = 0;
  for (int32_t i = 0; i < model.ncourtyard(); ++i)
    if (model.courtyards[i].name == dc->courtyard) c = i;
  std::printf("%s: %s\n", model.scenario_name.c_str(), dc->courtyard.c_str());
  if (!without.empty()) {
    std::printf("without:");
    for (const auto& w : without) std::printf(" %s", w.c_str());
    // what that leaves out of the package, with the components needing what was removed
    std::vector<std::string> kept;
    for (const auto& iv : model.interventions)
      if (!iv.component.empty()) kept.push_back(iv.component);
    std::printf(" (left out:");
    for (const auto& name : package_component_names())
      if (std::find(kept.begin(), kept.end(), name) == kept.end()) std::printf(" %s", name.c_str());
    std::printf(")\n");
  }
  std::printf("\nWhat happened (seed 1):\n");
  print_narrative(model, pilot[0], c);

  // the table
  std::printf("\n%-24s", "");
  for (int32_t step : dc->table_steps) {
    const int at = dc->table_unit[0] == 'm' ? step * 12 / 52 : step;
    char head[40];
    std::snprintf(head, sizeof head, "%s %d", dc->table_unit, at);
    std::printf(" | %-27s", head);
  }
  std::printf("\n%-24s", "");
  for (size_t i = 0; i < dc->table_steps.size(); ++i) std::printf(" | %-13s %-13s", "intervention", "baseline");
  std::printf("\n");
  for (const Row& row : kRows) {
    std::printf("%-24s", row.label);
    for (int32_t step : dc->table_steps) {
      std::vector<double> a, b;
      for (size_t k = 0; k < pilot.size(); ++k) {
        const auto& steps = pilot[k].steps;
        size_t rec = 0;
        while (rec + 1 < steps.size() && steps[rec] < step) ++rec;
        a.push_back(value_at(pilot[k], row, rec));
        b.push_back(value_at(base[k], row, rec));
      }
      std::printf(" | %-13s %-13s", cell(a).c_str(), cell(b).c_str());
    }
    std::printf("\n");
  }
  if (seeds > 1) std::printf("(mean ±sd over %d seeds; seed k of the intervention and of the baseline share their draws)\n", seeds);

  // what it cost, and what it bought: against the baseline of the same seed
  {
    std::vector<RunCosts> runs, bases;
    for (size_t k = 0; k < pilot.size(); ++k) {
      runs.push_back(pilot[k].costs);
      bases.push_back(base[k].costs);
    }
    const int32_t last = pilot[0].steps.empty() ? 0 : pilot[0].steps.back();
    const std::string end = std::string(dc->table_unit) + " " + std::to_string(dc->table_unit[0] == 'm' ? last * 12 / 52 : last);
    print_costs("What it cost and what it bought (the intervention against the baseline of the same seed, " +
                    std::string(model.ncourtyard() == 1 ? "the courtyard" : "all courtyards") + ", the whole run):",
                runs, bases, end);
  }

  // the pictures
  std::printf("\nresult files: %s/intervention-seed*.h5, %s/baseline-seed*.h5\n", out_dir.c_str(), out_dir.c_str());
  if (plots) {
    const std::string python = COURTYARD_PYTHON_PATH, analysis = COURTYARD_ANALYSIS_DIR;
    // the first run, then the other seeds and the baselines: plot_run draws a band per scenario
    std::string compare;
    for (size_t k = 1; k < pilot.size(); ++k) compare += " " + quote(pilot[k].path);
    for (const auto& r : base) compare += " " + quote(r.path);
    const int rc1 = run_script(python + " " + quote(analysis + "/plot_run.py") + " " + quote(pilot[0].path) + " --compare" + compare +
                               " --courtyard " + quote(dc->courtyard) + " -o " + quote(out_dir + "/plots") + " > /dev/null");
    const std::string months = dc->table_unit[0] == 'm' ? "0,6,12,24" : "0,1,2,3";
    const int rc2 = run_script(python + " " + quote(analysis + "/courtyard_map.py") + " " + quote(pilot[0].path) +
                               " --courtyard " + quote(dc->courtyard) + " --months " + months + " -o " +
                               quote(out_dir + "/courtyard-map.png") + " > /dev/null");
    if (rc1 == 0) std::printf("pictures:     %s/plots/*.png\n", out_dir.c_str());
    if (rc2 == 0) std::printf("courtyard map: %s/courtyard-map.png\n", out_dir.c_str());
    if (rc1 != 0 || rc2 != 0) {
      std::fprintf(stderr, "courtyard demo: drawing the pictures failed (%s with h5py and matplotlib, scripts in %s)\n",
                   python.c_str(), analysis.c_str());
      return kExitIo;
    }
  }
  return 0;
}

}  // namespace courtyard
