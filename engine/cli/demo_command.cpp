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
#include "cli/demo_story.h"
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
  std::string scenario_name;            // its `name`
  std::string baseline;                 // embedded scenario of the baseline ("": the same one ...)
  std::vector<std::string> baseline_overrides;  // ... with these overrides
  std::string courtyard;                // the courtyard the narrative and table follow
  std::vector<int32_t> table_steps;     // records shown in the table
  const char* table_unit;               // "month" or "week"
  // the arms: what each is called in the table and the narrative, and its files' prefix
  std::string arm_header, arm_file, arm_title;
  std::string base_header, base_file, base_title;
  std::string map_months;               // months drawn by courtyard_map.py
};

const DemoCase kCases[] = {
    {"jiangdong", "jiangdong_minju_pilot", "jiangdong-minju-pilot", "jiangdong_minju_baseline", {},
     "Jiangdong Minju Zone 2", {0, 26, 52, 104}, "month",
     "full package", "intervention", "the full package",
     "baseline", "baseline", "the baseline (no intervention)", "0,6,12,24"},
    {"roof-insulation", "roof_insulation_meeting", "roof-insulation-meeting", "",
     {"interventions[1].meeting.persuasion=false", "courtyards[0].joint_payment_history=0"},
     "龙舟路60号院新五栋", {0, 4, 8, 12}, "week",  // Longzhou Road No. 60, new building 5
     "persuasion", "meeting-with-persuasion", "the meeting with persuasion",
     "no persuasion", "meeting-without-persuasion", "the meeting without persuasion (and no memory of paying together)",
     "0,1,2"},
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

// The demo's own files in its folder: what --force clears before a new demo is written there.
bool is_demo_output(const std::filesystem::path& entry) {
  const std::string name = entry.filename().string();
  static const char* const kDirs[] = {"plots", "slides", "whatif", "roof"};
  static const char* const kFiles[] = {"courtyard-map.png", "report.html", "demo.log"};
  for (const char* d : kDirs)
    if (name == d) return true;
  for (const char* f : kFiles)
    if (name == f) return true;
  return name.size() > 3 && name.ends_with(".h5") && name.find("-seed") != std::string::npos;
}

// Refuses a folder with files in it unless `force`; with `force`, removes what an earlier demo wrote there.
void prepare_folder(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw OutputCreateError("cannot write the demo to " + dir + ": it is a file, not a folder");
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!force)
      throw OutputCreateError(dir + " is not empty: give --force to replace an earlier demo there (the demo's own files "
                              "are removed first, others are kept), or choose another folder with -o");
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (is_demo_output(entry.path())) fs::remove_all(entry.path(), ec);
  }
  fs::create_directories(dir, ec);
  if (ec) throw OutputCreateError("cannot create " + dir + ": " + ec.message());
}

bool has_non_ascii(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
}

// The table of outcomes at the case's records, one column per arm.
void print_table(const DemoCase& dc, const std::vector<std::string>& headers, const std::vector<const std::vector<DemoRun>*>& arms,
                 int seeds) {
  size_t width = 13;
  for (const auto& h : headers) width = std::max(width, h.size());
  const int w = static_cast<int>(width);
  std::printf("\n%-24s", "");
  for (int32_t step : dc.table_steps) {
    const int at = dc.table_unit[0] == 'm' ? month_of_week(step) : step;
    char head[40];
    std::snprintf(head, sizeof head, "%s %d", dc.table_unit, at);
    std::printf(" | %-*s", static_cast<int>(arms.size()) * (w + 1) - 1, head);
  }
  std::printf("\n%-24s", "");
  for (size_t i = 0; i < dc.table_steps.size(); ++i) {
    std::printf(" |");
    for (const auto& h : headers) std::printf(" %-*s", w, h.c_str());
  }
  std::printf("\n");
  for (const Row& row : kRows) {
    std::printf("%-24s", row.label);
    for (int32_t step : dc.table_steps) {
      std::printf(" |");
      for (const auto* arm : arms) {
        std::vector<double> xs;
        for (const DemoRun& r : *arm) {
          size_t rec = 0;
          while (rec + 1 < r.steps.size() && r.steps[rec] < step) ++rec;
          xs.push_back(value_at(r, row, rec));
        }
        std::printf(" %-*s", w, cell(xs).c_str());
      }
    }
    std::printf("\n");
  }
  if (seeds > 1)
    std::printf("(mean ±sd over %d seeds; seed k of every column shares its draws)\n", seeds);
}

}  // namespace

int cmd_demo(int argc, char** argv) {
  std::string which = "jiangdong", out_dir = "courtyard-demo", lang, format = "png";
  std::vector<std::string> without;
  int seeds = 5, narrate_seed = 1;
  bool force = false, report = false;
  po::options_description opts("Options");
  opts.add_options()
      ("case", po::value(&which), "jiangdong (default) or roof-insulation")
      ("without", po::value(&without)->composing(), "leave a step of the pilot (organisation, hardware, covenant, services) or a component of its package out (repeatable; see --help)")
      ("seeds", po::value(&seeds)->default_value(seeds), "seeds to run (each for every arm)")
      ("narrate-seed", po::value(&narrate_seed)->default_value(narrate_seed), "the seed whose story is told line by line")
      ("output,o", po::value(&out_dir), "folder for the result files and pictures (default: courtyard-demo)")
      ("force", po::bool_switch(&force), "write into a folder that is not empty (removing an earlier demo's files there)")
      ("report", po::bool_switch(&report), "also write report.html: the trainer's page (bilingual, works offline)")
      ("lang", po::value(&lang), "zh or en: the report's and the slides' first language (default: zh when the courtyard's name is Chinese)")
      ("format", po::value(&format)->default_value(format), "png, pdf or svg: the slides' file format")
      ("no-plots", "skip the pictures and slides");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard demo [jiangdong|roof-insulation] [--without STEP ...] [--seeds N] [-o DIR] [--force]\n"
      "                      [--report] [--lang zh|en] [--format png|pdf|svg] [--narrate-seed S]\n"
      "\n"
      "The trainer's demo: the Jiangdong Minju pilot (or the roof-insulation meeting) and its baseline on the\n"
      "same seeds, a month-by-month narrative of what happened (one seed) and a summary over the seeds, a\n"
      "side-by-side table, what it cost and what it bought (yuan by payer, staff and volunteer hours, per\n"
      "household, collection gained and cost per point gained against the baseline of the same seed: mean over\n"
      "the seeds, lowest and highest in brackets), pictures, slides and, with --report, report.html.\n"
      "Month m starts at week round(m x 52 / 12); week w is month round(w x 12 / 52).\n"
      "\n"
      "Examples:\n"
      "  courtyard demo --report                # the pilot with all four steps, 5 seeds, and the report\n"
      "  courtyard demo --without covenant      # three arms: full package, without the covenant, baseline\n"
      "  courtyard demo --without home_visits   # any component of the package\n"
      "\n"
      "--without takes the steps organisation, hardware, covenant, services, or a component:\n"
      "  platform assets_survey demands_survey home_visits party_members_known three_level_meetings\n"
      "  party_branch council council_meetings committee accounts_at_gate cleaning_campaign\n"
      "  hardware_works covenant awards activities services\n"
      "Components that need a removed one go with it (awards need the covenant).\n"
      "  courtyard demo roof-insulation --seeds 10 -o roof\n"
      "\n"
      "The output folder must be empty or new; --force replaces an earlier demo's files in it.\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return 0;
  const bool plots = vm.count("no-plots") == 0;
  const DemoCase* dc = nullptr;
  for (const auto& c : kCases)
    if (c.name == which) dc = &c;
  if (!dc) throw UsageError("unknown demo '" + which + "' (jiangdong or roof-insulation)");
  if (seeds < 1 || seeds > 100) throw UsageError("--seeds must be in [1, 100]");
  if (narrate_seed < 1 || narrate_seed > seeds)
    throw UsageError("--narrate-seed must be one of the seeds run, 1 to " + std::to_string(seeds));
  if (!lang.empty() && lang != "zh" && lang != "en") throw UsageError("--lang takes zh or en, not '" + lang + "'");
  if (lang.empty()) lang = has_non_ascii(dc->courtyard) ? "zh" : "en";
  if (format != "png" && format != "pdf" && format != "svg") throw UsageError("--format takes png, pdf or svg, not '" + format + "'");
  std::vector<std::string> overrides;
  std::string without_text;  // "covenant+awards"
  for (size_t i = 0; i < without.size(); ++i) {
    if (!is_package_name(without[i]))
      throw UsageError("--without takes " + package_names_text() + "; not '" + without[i] + "'");
    if (dc->name != "jiangdong") throw UsageError("--without applies to the jiangdong demo");
    overrides.push_back("interventions[0].package.without[" + std::to_string(i) + "]=" + without[i]);
    without_text += (i ? "+" : "") + without[i];
  }
  prepare_folder(out_dir, force);

  // the arms: the intervention (the full package), the reduced package when --without, the baseline
  std::string command_line = "courtyard demo " + which;
  for (const auto& w : without) command_line += " --without " + w;
  std::vector<DemoRun> pilot, reduced, base;
  std::vector<std::string> reduced_overrides = overrides;
  if (!without.empty()) reduced_overrides.push_back("name=" + dc->scenario_name + " without " + without_text);
  std::vector<std::string> base_overrides = dc->baseline_overrides;
  if (dc->baseline.empty()) base_overrides.push_back("name=" + dc->scenario_name + " without persuasion");
  for (int k = 1; k <= seeds; ++k) {
    const std::string tag = "-seed" + std::to_string(k) + ".h5";
    pilot.push_back(run_one(dc->scenario, {}, k, out_dir + "/" + dc->arm_file + tag, dc->courtyard, command_line));
    if (!without.empty())
      reduced.push_back(run_one(dc->scenario, reduced_overrides, k, out_dir + "/without-" + without_text + tag, dc->courtyard, command_line));
    base.push_back(run_one(dc->baseline.empty() ? dc->scenario : dc->baseline, base_overrides, k,
                           out_dir + "/" + dc->base_file + tag, dc->courtyard, command_line));
  }
  // the story is told of the reduced package when there is one
  const std::vector<DemoRun>& told = without.empty() ? pilot : reduced;

  std::vector<std::string> o = without.empty() ? std::vector<std::string>{} : reduced_overrides;
  o.push_back("run.seed=" + std::to_string(narrate_seed));
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
    std::printf("arms: the full package, the package without %s, and the baseline (no intervention)\n", without_text.c_str());
  } else {
    std::printf("arms: %s, and %s\n", dc->arm_title.c_str(), dc->base_title.c_str());
  }
  std::printf("\nWhat happened (%s, seed %d):\n", without.empty() ? dc->arm_title.c_str() : ("without " + without_text).c_str(),
              narrate_seed);
  print_narrative(model, told[static_cast<size_t>(narrate_seed - 1)].events, c);
  if (seeds > 1) {
    std::printf("\nOver the %d seeds:\n", seeds);
    std::vector<std::vector<Event>> by_seed;
    for (const auto& r : told) by_seed.push_back(r.events);
    print_summary_over_seeds(model, by_seed, c);
  }

  // the table
  std::vector<std::string> headers{dc->arm_header};
  std::vector<const std::vector<DemoRun>*> arms{&pilot};
  if (!without.empty()) {
    headers.push_back("without " + without_text);
    arms.push_back(&reduced);
  }
  headers.push_back(dc->base_header);
  arms.push_back(&base);
  print_table(*dc, headers, arms, seeds);

  // what it cost, and what it bought: against the baseline of the same seed
  auto costs_block = [&](const std::vector<DemoRun>& runs_of, const std::string& what) {
    std::vector<RunCosts> runs, bases;
    for (size_t k = 0; k < runs_of.size(); ++k) {
      runs.push_back(runs_of[k].costs);
      bases.push_back(base[k].costs);
    }
    const int32_t last = pilot[0].steps.empty() ? 0 : pilot[0].steps.back();
    const std::string end = std::string(dc->table_unit) + " " + std::to_string(dc->table_unit[0] == 'm' ? month_of_week(last) : last);
    print_costs("What it cost and what it bought (" + what + " against " + dc->base_title + " of the same seed, " +
                    std::string(model.ncourtyard() == 1 ? "the courtyard" : "all courtyards") + ", the whole run):",
                runs, bases, end);
  };
  costs_block(pilot, dc->arm_title);
  if (!without.empty()) {
    std::printf("\n");
    costs_block(reduced, "the package without " + without_text);
  }

  std::printf("\nresult files: %s/%s-seed*.h5", out_dir.c_str(), dc->arm_file.c_str());
  if (!without.empty()) std::printf(", %s/without-%s-seed*.h5", out_dir.c_str(), without_text.c_str());
  std::printf(", %s/%s-seed*.h5\n", out_dir.c_str(), dc->base_file.c_str());

  // the report's own runs: every combination of the four steps (jiangdong), and the roof meeting
  if (report && dc->name == "jiangdong") {
    std::error_code made;
    for (const char* sub : {"/whatif", "/roof"}) std::filesystem::create_directories(out_dir + sub, made);
    if (made) throw OutputCreateError("cannot create a folder in " + out_dir + ": " + made.message());
    {
      const auto& steps = package_step_names();
      const unsigned all = (1u << steps.size()) - 1;
      for (unsigned kept = 0; kept < all; ++kept) {
        std::vector<std::string> ov;
        std::string removed;
        for (size_t i = 0; i < steps.size(); ++i)
          if (!(kept & (1u << i))) {
            ov.push_back("interventions[0].package.without[" + std::to_string(ov.size()) + "]=" + steps[i]);
            removed += (removed.empty() ? "" : "+") + steps[i];
          }
        ov.push_back("name=" + dc->scenario_name + " without " + removed);
        for (int k = 1; k <= seeds; ++k)
          run_one(dc->scenario, ov, k, out_dir + "/whatif/without-" + removed + "-seed" + std::to_string(k) + ".h5",
                  dc->courtyard, command_line + " --report");
      }
      const DemoCase& roof = kCases[1];
      std::vector<std::string> roof_base = roof.baseline_overrides;
      roof_base.push_back("name=" + roof.scenario_name + " without persuasion");
      for (int k = 1; k <= seeds; ++k) {
        const std::string tag = "-seed" + std::to_string(k) + ".h5";
        run_one(roof.scenario, {}, k, out_dir + "/roof/" + roof.arm_file + tag, roof.courtyard, command_line + " --report");
        run_one(roof.scenario, roof_base, k, out_dir + "/roof/" + roof.base_file + tag, roof.courtyard, command_line + " --report");
      }
    }
  }

  // the pictures, the slides and the report: the analysis scripts; what they say goes to demo.log
  const std::string python = COURTYARD_PYTHON_PATH, analysis = COURTYARD_ANALYSIS_DIR;
  const std::string log = quote(out_dir + "/demo.log");
  bool failed = false;
  if (plots) {
    // the first run, then the other seeds and the other arms: plot_run draws a band per scenario
    std::string compare;
    for (size_t k = 1; k < pilot.size(); ++k) compare += " " + quote(pilot[k].path);
    for (const auto& r : reduced) compare += " " + quote(r.path);
    for (const auto& r : base) compare += " " + quote(r.path);
    const int rc1 = run_script(python + " " + quote(analysis + "/plot_run.py") + " " + quote(pilot[0].path) + " --compare" + compare +
                               " --courtyard " + quote(dc->courtyard) + " -o " + quote(out_dir + "/plots") + " >> " + log + " 2>&1");
    const int rc2 = run_script(python + " " + quote(analysis + "/courtyard_map.py") + " " + quote(told[0].path) +
                               " --courtyard " + quote(dc->courtyard) + " --months " + dc->map_months + " -o " +
                               quote(out_dir + "/courtyard-map.png") + " >> " + log + " 2>&1");
    std::string slides = python + " " + quote(analysis + "/report/slides.py") + " " + quote(out_dir) + " --case " + dc->name +
                         " --lang " + lang + " --format " + format + " -o " + quote(out_dir + "/slides");
    for (const auto& w : without) slides += " --without " + quote(w);
    const int rc3 = run_script(slides + " >> " + log + " 2>&1");
    if (rc1 == 0) std::printf("pictures:      %s/plots/*.png\n", out_dir.c_str());
    if (rc2 == 0) std::printf("courtyard map: %s/courtyard-map.png\n", out_dir.c_str());
    if (rc3 == 0) std::printf("slides (%s):   %s/slides/*.%s\n", lang.c_str(), out_dir.c_str(), format.c_str());
    failed = rc1 != 0 || rc2 != 0 || rc3 != 0;
  }
  if (report && !failed) {
    std::string cmd = python + " " + quote(analysis + "/report/build_report.py") + " " + quote(out_dir) + " --case " + dc->name +
                      " --lang " + lang + " --narrate-seed " + std::to_string(narrate_seed) + " -o " + quote(out_dir + "/report.html");
    for (const auto& w : without) cmd += " --without " + quote(w);
    if (run_script(cmd + " >> " + log + " 2>&1") != 0) failed = true;
    else std::printf("report:        %s\n", std::filesystem::absolute(out_dir + "/report.html").lexically_normal().string().c_str());
  }
  if (failed) {
    std::fprintf(stderr, "courtyard demo: drawing the pictures or writing the report failed; see %s/demo.log (%s with h5py and "
                 "matplotlib, scripts in %s)\n", out_dir.c_str(), python.c_str(), analysis.c_str());
    return kExitIo;
  }
  return 0;
}

}  // namespace courtyard
