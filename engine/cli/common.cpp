#include "cli/common.h"

#include <oneapi/tbb/info.h>

#include <cstdlib>
#include <iostream>

#include "core/errors.h"

namespace po = boost::program_options;

namespace courtyard {

const char* const kExitCodeHelp =
    "Exit codes:\n"
    "  0   success\n"
    "  64  usage error (unknown option, malformed --set)\n"
    "  65  invalid scenario (every problem reported as FILE:LINE:COL: field: message)\n"
    "  73  output cannot be created (exists without --force, folder missing)\n"
    "  74  I/O error while reading or writing\n"
    "  75  interrupted by SIGINT/SIGTERM (the steps done are written, file marked incomplete)\n"
    "  70  internal error\n";

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

}  // namespace courtyard
