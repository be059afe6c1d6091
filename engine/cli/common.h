// What the CLI's commands share: scenario options, option parsing, exit-code help.
#pragma once

#include <boost/program_options.hpp>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "output/run_file.h"
#include "scenario/scenario.h"

namespace courtyard {

extern const char* const kExitCodeHelp;

// Options shared by the commands that read a scenario.
struct ScenarioArgs {
  std::string path;  // empty: the embedded default
  std::vector<std::string> sets;
  std::string seed, steps;  // as given; turned into overrides
};
void add_scenario_options(boost::program_options::options_description& opts, ScenarioArgs& a);
// Loads the scenario named by the arguments (or the embedded default), with --seed/--steps/--set.
LoadedScenario load(const ScenarioArgs& a);

// Parses a command's options (adds --help); returns false after printing help. UsageError on bad input.
bool parse_command(int argc, char** argv, boost::program_options::options_description& opts,
                   boost::program_options::positional_options_description& pos, const std::string& help,
                   boost::program_options::variables_map& vm);

// Worker threads when --threads is not given: $SLURM_CPUS_PER_TASK when set, else all cores.
int threads_default();
// `requested` threads (or concurrent runs), at most std::thread::hardware_concurrency(): more only
// costs memory (each thread has its own stack and scratch), so a larger request is lowered, with a
// note on stderr naming `option` (docs/scenario-format.md, "Resource limits").
int cap_to_hardware(int requested, const char* option);

// What a run cost, from its cost metrics (staff_hours, volunteer_hours, spent_*): they are sums over the
// interval since the previous record, so a run's total is their sum over all records.
struct RunCosts {
  bool recorded = false;                                 // every cost metric is in the run's output
  double subdistrict = 0, community = 0, courtyard = 0;  // yuan, by payer (courtyard: its fund)
  double staff_hours = 0, volunteer_hours = 0;           // person-hours
  double households = 0;                                 // flats in the scenario
  double collection = std::nan("");                      // fee collection rate at the last record (share)
  double yuan() const { return subdistrict + community + courtyard; }
};

// Sums the subdistrict values of every record of a run: call add() from RunOptions::on_record.
class CostTally {
 public:
  void add(std::span<const double> subdistrict);
  // After the run, with its columns: the costs, and the subdistrict's collection rate at the last record.
  RunCosts costs(const std::vector<MetricColumn>& columns, double households) const;

 private:
  std::vector<double> sum_, last_;
};

// A seed whose gain in collection is below this many percentage points has no cost per point.
inline constexpr double kMinGainPoints = 0.05;

// Prints what runs cost: yuan by payer, staff and volunteer hours, per household; with baselines (paired
// with the runs, seed by seed) also the collection gained at the end and the cost per point gained, each
// as the mean over the seeds with the lowest and highest seed in brackets. `end` names the last record
// ("month 24"). `title` heads the block.
void print_costs(const std::string& title, const std::vector<RunCosts>& runs, const std::vector<RunCosts>& baselines,
                 const std::string& end);

int cmd_lab(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_sweep(int argc, char** argv);

}  // namespace courtyard
