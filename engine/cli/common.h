// What the CLI's commands share: scenario options, option parsing, exit-code help.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

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

int cmd_lab(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_sweep(int argc, char** argv);

}  // namespace courtyard
