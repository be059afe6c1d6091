// courtyard calibrate: fit scenario parameters to observed targets by ABC-SMC (docs/calibration.md).
//
//   courtyard calibrate SPEC [--out DIR] [--threads N] [--concurrent K] [--task I --tasks N [--first-task B]]
//                            [--check] [--plot] [--quiet]
//
// Signals: SIGINT/SIGTERM/SIGUSR1 start no more runs; the running ones stop, leave no file and are run
// again by the next call. Exit 75 then (and when a task's share is done but other tasks' runs are not),
// 0 when the posterior and the predictive are written.
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "calibrate/calibrate.h"
#include "cli/common.h"
#include "core/errors.h"
#include "sweep/util.h"

namespace po = boost::program_options;

namespace courtyard {

namespace {

std::atomic<bool> g_calibrate_stop{false};
extern "C" void on_calibrate_signal(int) { g_calibrate_stop.store(true); }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

int cmd_calibrate(int argc, char** argv) {
  std::string spec_path, dir;
  int threads = 0, concurrent = 0;
  int64_t task = -1, tasks = 0, first_task = 0;
  bool check = false, plot = false, quiet = false;
  po::options_description opts("Options");
  opts.add_options()
      ("spec", po::value(&spec_path)->required(), "calibration file (.txtpb)")
      ("out", po::value(&dir), "output folder (default: calibration-NAME; a folder of the same calibration is resumed)")
      ("threads", po::value(&threads), "threads in all (default: $SLURM_CPUS_PER_TASK, else all cores)")
      ("concurrent", po::value(&concurrent), "runs at once (default: threads); each gets threads/concurrent threads")
      ("task", po::value(&task), "run only this task's share of each batch: runs whose index % tasks == task - first-task")
      ("tasks", po::value(&tasks), "number of tasks the runs are shared among")
      ("first-task", po::value(&first_task), "number of the first task (default 0)")
      ("check", po::bool_switch(&check), "check the calibration file and its targets, run nothing")
      ("plot", po::bool_switch(&plot), "when finished, draw DIR/pairs.png and DIR/predictive.png (analysis/calibration_plot.py)")
      ("quiet,q", po::bool_switch(&quiet), "no progress lines");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard calibrate SPEC [--out DIR] [--threads N] [--concurrent K]\n"
      "                               [--task I --tasks N [--first-task B]] [--check] [--plot] [--quiet]\n"
      "\n"
      "Fits the parameters named in SPEC (uniform priors) to the targets of its targets file by sequential\n"
      "Monte Carlo ABC: generations of `population` accepted particles under a shrinking tolerance, each\n"
      "generation's runs in batch folders under DIR. Writes DIR/gen-NNN/population.csv (particles and\n"
      "weights) per generation, DIR/posterior.csv, DIR/posterior_summary.csv, DIR/predictive.csv and\n"
      "DIR/predictive_summary.csv, and prints the summaries. Running it again resumes and gives the same\n"
      "bytes; the same seed gives the same posterior on any number of threads or tasks.\n"
      "Exit 0: finished; 1: the calibration cannot go on (e.g. too few usable runs of the prior); 65: invalid\n"
      "SPEC or targets (FILE:LINE:COL); 73: DIR holds another calibration;\n"
      "75: stopped, or this task's share is done and other tasks' runs are not (run it again).\n"
      "\n"
      "Examples:\n"
      "  courtyard calibrate scenarios/calibration/pilot.txtpb --out pilot-cal --threads 8 --plot\n"
      "  courtyard calibrate cal.txtpb --out /scratch/cal --task $SLURM_PROCID --tasks $SLURM_NTASKS\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  if (vm.count("threads") && threads < 1) throw UsageError("--threads must be at least 1");
  if (vm.count("concurrent") && concurrent < 1) throw UsageError("--concurrent must be at least 1");
  const bool sharing = vm.count("task") || vm.count("tasks");
  if (sharing && (!vm.count("task") || !vm.count("tasks"))) throw UsageError("--task and --tasks go together");
  if (sharing && tasks < 1) throw UsageError("--tasks must be at least 1");
  if (sharing && (task - first_task < 0 || task - first_task >= tasks))
    throw UsageError("--task must be from " + std::to_string(first_task) + " to " + std::to_string(first_task + tasks - 1));

  const calibrate::Setup setup = calibrate::load_calibration(spec_path);
  if (check) {
    std::printf("%s: valid: %zu parameters, %zu targets, population %d, up to %d generations\n", spec_path.c_str(),
                setup.parameters.size(), setup.targets.size(), setup.population, setup.generations);
    return kExitOk;
  }
  if (dir.empty()) dir = "calibration-" + setup.name;

  struct sigaction sa {};
  sa.sa_handler = on_calibrate_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);

  calibrate::Options options;
  options.threads = cap_to_hardware(threads > 0 ? threads : threads_default(), "--threads");
  options.concurrent = concurrent > 0 ? cap_to_hardware(concurrent, "--concurrent") : 0;
  options.task = sharing ? task - first_task : 0;
  options.tasks = sharing ? tasks : 1;
  options.quiet = quiet;
  options.stop = &g_calibrate_stop;
  calibrate::Outcome out;
  try {
    out = calibrate::run_calibration(setup, dir, options);
  } catch (const calibrate::CalibrationError& e) {
    std::fprintf(stderr, "courtyard: the calibration cannot go on: %s\n", e.what());
    return 1;
  }
  if (!out.finished) {
    std::fprintf(stderr, "courtyard: calibration not finished (%s); %lld runs done now. Run the same command again to continue.\n",
                 out.stop_reason.c_str(), static_cast<long long>(out.runs_done));
    return kExitInterrupted;
  }
  std::cout << sweep::read_text((std::filesystem::path(dir) / "summary.txt").string());
  std::printf("\nfiles: %s/posterior.csv, posterior_summary.csv, predictive.csv, predictive_summary.csv, generations.csv\n",
              dir.c_str());
  if (plot) {
    std::fflush(stdout);
    const std::string command = std::string(COURTYARD_PYTHON_PATH) + " " + shell_quote(std::string(COURTYARD_ANALYSIS_DIR) + "/calibration_plot.py") +
                                " " + shell_quote(dir);
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "courtyard calibrate: drawing the pictures failed (%s with pandas and matplotlib)\n", COURTYARD_PYTHON_PATH);
      return kExitIo;
    }
  }
  return kExitOk;
}

}  // namespace courtyard
