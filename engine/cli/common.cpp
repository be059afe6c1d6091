#include "cli/common.h"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "core/errors.h"

namespace po = boost::program_options;

namespace courtyard {

const char* const kExitCodeHelp =
    "Exit codes:\n"
    "  0   success\n"
    "  64  usage error (unknown option, malformed --set)\n"
    "  65  invalid scenario (every problem reported as FILE:LINE:COL: field: message)\n"
    "      or a checkpoint of another scenario or build (run --resume)\n"
    "  66  no checkpoint to resume from (run --resume; a complete result with only its own leftover\n"
    "      checkpoint, or none, is 0: nothing to resume)\n"
    "  73  output cannot be created (exists without --force, folder missing)\n"
    "  74  I/O error while reading or writing\n"
    "  75  interrupted by SIGINT/SIGTERM (the steps done are written, file marked incomplete)\n"
    "  70  internal error, or the run's state went non-finite (NaN/inf: the metric, courtyard and step are\n"
    "      named; the file keeps the records so far, marked status=failed)\n";

void add_scenario_options(po::options_description& opts, ScenarioArgs& a) {
  opts.add_options()
      ("set", po::value(&a.sets)->composing(), "override a field: --set field.path=value (repeatable)")
      ("seed", po::value(&a.seed), "run seed (same as --set run.seed=S)")
      ("steps", po::value(&a.steps), "steps (weeks) to run (same as --set run.steps=N)");
}

LoadedScenario load(const ScenarioArgs& a) {
  std::vector<std::string> overrides = a.sets;
  if (!a.seed.empty()) overrides.push_back("run.seed=" + a.seed);
  if (!a.steps.empty()) overrides.push_back("run.steps=" + a.steps);
  if (a.path.empty())
    return load_scenario_text("<embedded:demo_district>", embedded_default_scenario(), false, overrides);
  return load_scenario(a.path, overrides);
}

int cap_to_hardware(int requested, const char* option) {
  // unknown (0): no cap below 1024
  const unsigned hardware = std::thread::hardware_concurrency();
  const int cap = hardware > 0 ? static_cast<int>(std::min(hardware, 1u << 20)) : 1024;
  if (requested <= cap) return requested;
  std::fprintf(stderr, "note: %s %d is more than the %d hardware threads here; using %d\n", option, requested, cap, cap);
  return cap;
}

int threads_default() {
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    const int n = std::atoi(s);
    if (n > 0) return n;
  }
  return oneapi::tbb::info::default_concurrency();
}

bool parse_command(int argc, char** argv, po::options_description& opts, po::positional_options_description& pos,
                   const std::string& help, po::variables_map& vm) {
  po::options_description all;
  all.add(opts);
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    // help first: --help must work without the command's required arguments
    if (vm.count("help")) {
      std::cout << help << "\n" << all << "\n" << kExitCodeHelp;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

void CostTally::add(std::span<const double> subdistrict) {
  if (sum_.size() != subdistrict.size()) {
    sum_.assign(subdistrict.size(), 0.0);
    last_.assign(subdistrict.size(), std::nan(""));
  }
  for (size_t k = 0; k < subdistrict.size(); ++k) {
    if (!std::isnan(subdistrict[k])) sum_[k] += subdistrict[k];
    last_[k] = subdistrict[k];
  }
}

RunCosts CostTally::costs(const std::vector<MetricColumn>& columns, double households) const {
  RunCosts c;
  c.households = households;
  auto column = [&](const char* name) -> int {
    for (size_t k = 0; k < columns.size() && k < sum_.size(); ++k)
      if (columns[k].name == name) return static_cast<int>(k);
    return -1;
  };
  const int sub = column("spent_subdistrict"), com = column("spent_community"), cy = column("spent_courtyard"),
            staff = column("staff_hours"), vol = column("volunteer_hours"), rate = column("collection_rate");
  c.recorded = sub >= 0 && com >= 0 && cy >= 0 && staff >= 0 && vol >= 0;
  if (sub >= 0) c.subdistrict = sum_[sub];
  if (com >= 0) c.community = sum_[com];
  if (cy >= 0) c.courtyard = sum_[cy];
  if (staff >= 0) c.staff_hours = sum_[staff];
  if (vol >= 0) c.volunteer_hours = sum_[vol];
  if (rate >= 0) c.collection = last_[rate];
  return c;
}

namespace {

constexpr int kLabelWidth = 56;

// "mean" or "mean  [lowest to highest]" over the seeds, with `decimals` digits.
std::string mean_range(const std::vector<double>& xs, int decimals, bool sign = false) {
  double mean = 0, lo = xs.front(), hi = xs.front();
  for (double x : xs) {
    mean += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  mean /= static_cast<double>(xs.size());
  auto fmt = [&](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v == 0 ? 0.0 : v);  // no "-0"
    return std::string(buf);
  };
  std::string out = fmt(mean);
  if (xs.size() > 1) out += std::string(out.size() < 10 ? 10 - out.size() : 1, ' ') + "[" + fmt(lo) + " to " + fmt(hi) + "]";
  return out;
}

// Decimals for money or hours per point: none for hundreds and more, else one (two for hours).
int decimals_for(const std::vector<double>& xs, int small) {
  double mean = 0;
  for (double x : xs) mean += x;
  return std::fabs(mean / static_cast<double>(xs.size())) >= 100 ? 0 : small;
}

void line(const std::string& label, const std::string& value) {
  std::printf("  %-*s %s\n", kLabelWidth, label.c_str(), value.c_str());
}

template <class F>
std::vector<double> each(const std::vector<RunCosts>& runs, F f) {
  std::vector<double> out;
  for (const auto& r : runs) out.push_back(f(r));
  return out;
}

}  // namespace

void print_costs(const std::string& title, const std::vector<RunCosts>& runs, const std::vector<RunCosts>& baselines,
                 const std::string& end) {
  if (runs.empty()) return;
  const bool paired = !baselines.empty() && baselines.size() == runs.size();
  const size_t n = runs.size();
  std::printf("\n%s\n", title.c_str());
  bool recorded = true;
  for (const auto& r : runs) recorded = recorded && r.recorded;
  for (const auto& b : baselines) recorded = recorded && b.recorded;
  if (!recorded) {
    std::printf("  not recorded: the scenario's run.output.metrics leaves out staff_hours, volunteer_hours or spent_*\n");
    return;
  }
  if (n > 1)
    std::printf("  (mean over %zu seeds; in brackets the lowest and the highest seed)\n", n);
  line("spent by the subdistrict (yuan)", mean_range(each(runs, [](const RunCosts& r) { return r.subdistrict; }), 0));
  line("spent by the community (yuan)", mean_range(each(runs, [](const RunCosts& r) { return r.community; }), 0));
  line("spent from the courtyard fund (yuan)", mean_range(each(runs, [](const RunCosts& r) { return r.courtyard; }), 0));
  line("spent in all (yuan)", mean_range(each(runs, [](const RunCosts& r) { return r.yuan(); }), 0));
  line("community staff time (hours)", mean_range(each(runs, [](const RunCosts& r) { return r.staff_hours; }), 1));
  line("volunteer time (hours)", mean_range(each(runs, [](const RunCosts& r) { return r.volunteer_hours; }), 1));
  line("households (flats)", mean_range(each(runs, [](const RunCosts& r) { return r.households; }), 0));

  // with a baseline, what the baseline spent is taken off: the cost of the intervention is the extra
  std::vector<double> yuan, staff;
  bool base_spent = false;
  for (size_t k = 0; k < n; ++k) {
    const double by = paired ? baselines[k].yuan() : 0, bs = paired ? baselines[k].staff_hours : 0;
    if (paired && (by != 0 || bs != 0 || baselines[k].volunteer_hours != 0)) base_spent = true;
    yuan.push_back(runs[k].yuan() - by);
    staff.push_back(runs[k].staff_hours - bs);
  }
  if (paired && !base_spent) {
    std::printf("  the baseline spent nothing (no yuan, no staff or volunteer hours)\n");
  } else if (paired) {
    line("the baseline spent in all (yuan)", mean_range(each(baselines, [](const RunCosts& r) { return r.yuan(); }), 0));
    line("the baseline's community staff time (hours)",
         mean_range(each(baselines, [](const RunCosts& r) { return r.staff_hours; }), 1));
    line("the baseline's volunteer time (hours)",
         mean_range(each(baselines, [](const RunCosts& r) { return r.volunteer_hours; }), 1));
  }
  const std::string extra = paired && base_spent ? "extra " : "";
  std::vector<double> yuan_hh, staff_hh;
  for (size_t k = 0; k < n; ++k) {
    const double h = runs[k].households > 0 ? runs[k].households : std::nan("");
    yuan_hh.push_back(yuan[k] / h);
    staff_hh.push_back(staff[k] / h);
  }
  line(extra + "cost per household (yuan)", mean_range(yuan_hh, 1));
  line(extra + "staff time per household (hours)", mean_range(staff_hh, 2));
  if (!paired) return;

  for (size_t k = 0; k < n; ++k)
    if (std::isnan(runs[k].collection) || std::isnan(baselines[k].collection)) {
      std::printf("  collection gained: not recorded (the scenario's run.output.metrics leaves out collection_rate)\n");
      return;
    }
  std::vector<double> gain;
  size_t no_gain = 0;
  for (size_t k = 0; k < n; ++k) {
    gain.push_back(100.0 * (runs[k].collection - baselines[k].collection));
    if (gain.back() < kMinGainPoints) ++no_gain;
  }
  line("fee collection at " + end + ", with the intervention (%)",
       mean_range(each(runs, [](const RunCosts& r) { return 100.0 * r.collection; }), 1));
  line("fee collection at " + end + ", baseline (%)",
       mean_range(each(baselines, [](const RunCosts& r) { return 100.0 * r.collection; }), 1));
  line("collection gained at " + end + " (percentage points)", mean_range(gain, 1, true));
  if (no_gain > 0) {
    char why[96];
    std::snprintf(why, sizeof why, "n/a: no gain in %zu of %zu seed%s", no_gain, n, n == 1 ? "" : "s");
    line(extra + "cost per point gained (yuan)", why);
    line(extra + "staff time per point gained (hours)", why);
    std::printf("  (a seed has no gain when the intervention's collection at %s is not at least %.2f points above the\n"
                "   baseline's: no cost per point can be given)\n", end.c_str(), kMinGainPoints);
    return;
  }
  std::vector<double> yuan_pt, staff_pt;
  for (size_t k = 0; k < n; ++k) {
    yuan_pt.push_back(yuan[k] / gain[k]);
    staff_pt.push_back(staff[k] / gain[k]);
  }
  line(extra + "cost per point gained (yuan)", mean_range(yuan_pt, decimals_for(yuan_pt, 1)));
  line(extra + "staff time per point gained (hours)", mean_range(staff_pt, decimals_for(staff_pt, 2)));
}

}  // namespace courtyard
