// courtyard sweep: parameter sweeps on one machine, in Slurm job arrays and across MPI ranks.
//
//   courtyard sweep expand SWEEP [-o design.csv]
//   courtyard sweep run SWEEP --out DIR [--threads N] [--concurrent K] [--task I --tasks N [--first-task B]]
//   courtyard sweep status DIR [--list]
//   courtyard sweep collect DIR
//
// Signals during `sweep run`: SIGUSR1 starts no more runs and lets the running ones finish (Slurm's
// --signal before the time limit); SIGINT or SIGTERM also stops the running ones after their current
// step and discards them. Either way the command exits 75 if runs are left, and running the same sweep
// into the same folder again does only what is left. docs/sweeps.md has the details.
#include <oneapi/tbb/info.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/common.h"
#include "core/errors.h"
#include "sweep/sweep.h"
#include "sweep/util.h"

namespace po = boost::program_options;

namespace courtyard {

namespace {

using namespace courtyard::sweep;

constexpr int kExitRunsFailed = 1;  // the sweep ran, but some runs failed (or, for status, are not done)

StopFlags g_stop;
extern "C" void on_finish_signal(int) { g_stop.finish.store(true); }
extern "C" void on_abandon_signal(int) {
  g_stop.finish.store(true);
  g_stop.abandon.store(true);
}

void install_signal_handlers() {
  struct sigaction finish {};
  finish.sa_handler = on_finish_signal;
  sigemptyset(&finish.sa_mask);
  sigaction(SIGUSR1, &finish, nullptr);
  struct sigaction abandon {};
  abandon.sa_handler = on_abandon_signal;
  sigemptyset(&abandon.sa_mask);
  sigaction(SIGINT, &abandon, nullptr);
  sigaction(SIGTERM, &abandon, nullptr);
}

const char* kSweepUsage =
    "Usage: courtyard sweep COMMAND [options]\n"
    "\n"
    "Runs one scenario over many parameter values and seeds (docs/sweeps.md).\n"
    "\n"
    "Commands:\n"
    "  expand   print the frozen design: one row per run (run, point, replicate, seed, parameters)\n"
    "  run      run the sweep (or a Slurm task's share) into a folder; resumes what is left\n"
    "  status   count the runs done, failed and missing in a sweep folder\n"
    "  collect  write results.csv, sweep.h5 and SALib's files from a sweep folder\n"
    "\n"
    "`courtyard sweep COMMAND --help` shows a command's options and examples.\n";

// "courtyard sweep run ...": argv[0] is the subcommand.
std::string join_command_line(int argc, char** argv) {
  std::string out = "courtyard sweep";
  for (int i = 0; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

// A sweep folder's plan and design, read from the copies it keeps; checked against its design.csv.
struct FolderSweep {
  Plan plan;
  Design design;
};
FolderSweep open_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::exists(d / "manifest.txt", ec))
    throw IoError(dir + " is not a sweep folder (no manifest.txt): give the folder of `courtyard sweep run --out`");
  FolderSweep out;
  out.plan = load_sweep((d / "sweep.txtpb").string(), (d / "scenario.txtpb").string());
  out.design = make_design(out.plan);
  if (design_csv(out.plan, out.design) != read_text((d / "design.csv").string()))
    throw IoError(dir + "/design.csv differs from the design of " + dir +
                  "/sweep.txtpb as this engine makes it (was the folder made by another version?)");
  return out;
}

std::string run_list(const Folder& folder, const std::vector<int64_t>& runs, bool all) {
  std::string out;
  const size_t shown = all ? runs.size() : std::min<size_t>(runs.size(), 8);
  for (size_t i = 0; i < shown; ++i) out += " " + folder.run_name(runs[i]);
  if (shown < runs.size()) out += " ... (" + std::to_string(runs.size() - shown) + " more; --list shows all)";
  return out;
}

int sweep_expand(int argc, char** argv) {
  std::string sweep_path, output;
  po::options_description opts("Options");
  opts.add_options()
      ("sweep", po::value(&sweep_path)->required(), "sweep file (.txtpb)")
      ("output,o", po::value(&output), "design file to write (default: standard output)");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard sweep expand SWEEP [-o design.csv]\n"
      "\n"
      "Checks a sweep file and prints its frozen design: one row per run with its index, design point,\n"
      "replicate, seed and parameter values. The same file always gives the same bytes. Problems are\n"
      "reported as FILE:LINE:COL: field.path: message (exit 65).\n"
      "\n"
      "Examples:\n"
      "  courtyard sweep expand scenarios/sweeps/fee_and_trust.txtpb\n"
      "  courtyard sweep expand my_sweep.txtpb -o design.csv\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  const Plan plan = load_sweep(sweep_path);
  const Design design = make_design(plan);
  const std::string csv = design_csv(plan, design);
  if (output.empty()) {
    std::cout << csv;
  } else {
    write_file(output, csv);
    std::fprintf(stderr, "%s: %zu runs (%lld points x %d replicates, %s)\n", output.c_str(), design.runs.size(),
                 static_cast<long long>(design.points), plan.replicates, design_name(plan.design.kind));
  }
  return kExitOk;
}

// `sweep run --checkpoint-every N`: weeks between checkpoints of each run (0: none).
int g_checkpoint_every = 0;

// `sweep run` on this machine: the whole design, or one task's share of it.
int run_here(const std::string& sweep_path, const std::string& dir, int threads, int concurrent, bool sharing,
             int64_t task, int64_t tasks, bool quiet, const std::string& command_line) {
  const Plan plan = load_sweep(sweep_path);
  const Design design = make_design(plan);
  prepare_folder(dir, plan, design);
  const int64_t nrun = static_cast<int64_t>(design.runs.size());
  const Folder folder(dir, nrun, plan.summary_only);
  Log log(dir);
  const std::vector<int64_t> share = sharing ? task_share(nrun, task, tasks) : task_share(nrun, 0, 1);
  if (sharing) log.write("task " + std::to_string(task) + " of " + std::to_string(tasks) + ": " +
                         std::to_string(share.size()) + " runs");
  RunContext ctx{&plan, &design, &folder, command_line, &g_stop.abandon, &log};
  ctx.checkpoint_every = g_checkpoint_every;
  LocalOptions options;
  options.threads = cap_to_hardware(threads > 0 ? threads : threads_default(), "--threads");
  options.concurrent = concurrent > 0 ? cap_to_hardware(concurrent, "--concurrent") : concurrent;
  options.quiet = quiet;
  const Tally t = run_local(ctx, share, options, g_stop);
  const int64_t left = static_cast<int64_t>(share.size()) - t.skipped - t.done - t.failed;
  std::printf("sweep \"%s\": %lld runs in %s%s; %lld done now, %lld failed, %lld complete before, %lld left\n",
              plan.name.c_str(), static_cast<long long>(share.size()), dir.c_str(),
              sharing ? (" (task " + std::to_string(task) + " of " + std::to_string(tasks) + ")").c_str() : "",
              static_cast<long long>(t.done), static_cast<long long>(t.failed), static_cast<long long>(t.skipped),
              static_cast<long long>(left));
  std::printf("time       %.2f s of runs, %.2f s wall\n", t.run_seconds, t.wall_seconds);
  if (t.failed > 0) std::printf("failed     see courtyard sweep status %s, and %s/failed/\n", dir.c_str(), dir.c_str());
  if (left > 0 && (g_stop.finish.load() || t.interrupted > 0)) {
    std::fprintf(stderr, "courtyard: sweep stopped by a signal with %lld runs left; run the same command again to finish\n",
                 static_cast<long long>(left));
    return kExitInterrupted;
  }
  return t.failed > 0 ? kExitRunsFailed : kExitOk;
}

int sweep_run(int argc, char** argv) {
  std::string sweep_path, dir;
  int threads = 0, concurrent = 0;
  int64_t task = -1, tasks = 0, first_task = 0;
  bool quiet = false, no_mpi = false;
  po::options_description opts("Options");
  opts.add_options()
      ("sweep", po::value(&sweep_path)->required(), "sweep file (.txtpb)")
      ("out", po::value(&dir)->required(), "output folder (created; a folder of the same sweep is resumed)")
      ("threads", po::value(&threads), "threads in all (default: $SLURM_CPUS_PER_TASK, else all cores); under MPI: per rank")
      ("concurrent", po::value(&concurrent), "runs at once (default: min(threads, runs to do)); each gets threads/concurrent threads")
      ("task", po::value(&task), "run only this task's share: runs whose index % tasks == task - first-task")
      ("tasks", po::value(&tasks), "number of tasks the runs are shared among")
      ("first-task", po::value(&first_task), "number of the first task (1 for a Slurm array --array=1-N; default 0)")
      ("no-mpi", po::bool_switch(&no_mpi), "run locally even when started by mpirun")
      ("checkpoint-every", po::value(&g_checkpoint_every),
       "save each run's state every N weeks beside its file (runs/run-NNNNN.h5.ckpt), so that a stopped or "
       "preempted task loses at most N weeks of a run: running the sweep again continues it")
      ("quiet,q", po::bool_switch(&quiet), "no progress lines");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard sweep run SWEEP --out DIR [--threads N] [--concurrent K]\n"
      "                           [--task I --tasks N [--first-task B]] [--checkpoint-every N] [--quiet]\n"
      "\n"
      "Runs every run of the sweep that is not yet complete in DIR: several at once on this machine, the\n"
      "share of one task of a Slurm job array (--task/--tasks), or across MPI ranks when started by mpirun\n"
      "(rank 0 hands runs out, the other ranks run them). Runs are written to DIR/runs/, failures to\n"
      "DIR/failed/, a log per process to DIR/logs/. Exit 0 when every run of the share is done, 1 if some\n"
      "failed, 75 when stopped by a signal (SIGUSR1: the running runs finish; SIGINT/SIGTERM: they are\n"
      "abandoned). Running it again resumes; a folder holding another sweep is refused (exit 73).\n"
      "With --checkpoint-every N each run saves its state every N weeks (and when abandoned), and running\n"
      "the sweep again continues a run from its checkpoint instead of from week 0.\n"
      "\n"
      "Examples:\n"
      "  courtyard sweep run scenarios/sweeps/fee_and_trust.txtpb --out sweep-out --threads 8\n"
      "  courtyard sweep run sweep.txtpb --out /scratch/s1 --task $SLURM_ARRAY_TASK_ID --tasks 16\n"
      "  mpirun -n 9 courtyard sweep run sweep.txtpb --out /scratch/s1 --threads 4\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  if (vm.count("threads") && threads < 1) throw UsageError("--threads must be at least 1");
  if (vm.count("concurrent") && concurrent < 1) throw UsageError("--concurrent must be at least 1");
  if (vm.count("checkpoint-every") && g_checkpoint_every < 1) throw UsageError("--checkpoint-every must be at least 1 (weeks)");
  const bool sharing = vm.count("task") || vm.count("tasks");
  if (sharing && (!vm.count("task") || !vm.count("tasks")))
    throw UsageError("--task and --tasks go together");
  if (sharing && tasks < 1) throw UsageError("--tasks must be at least 1");
  if (sharing && (task - first_task < 0 || task - first_task >= tasks))
    throw UsageError("--task must be from " + std::to_string(first_task) + " to " + std::to_string(first_task + tasks - 1) +
                     " (--first-task " + std::to_string(first_task) + ", --tasks " + std::to_string(tasks) + ")");
  const std::string command_line = join_command_line(argc, argv);
  install_signal_handlers();

  // under mpirun: one coordinator and workers; problems reported by rank 0 only
  if (!no_mpi && !sharing && mpi_launched()) {
    if (!mpi_built())
      throw UsageError("started by an MPI launcher, but this courtyard was built without MPI: rebuild with Open MPI "
                       "(libopenmpi-dev), or give each process its share with --task/--tasks");
    MpiSession mpi;
    if (mpi.size() > 1) {
      const bool lead = mpi.rank() == 0;
      int code = kExitOk;
      Plan plan;
      Design design;
      try {
        plan = load_sweep(sweep_path);
        design = make_design(plan);
        if (lead) prepare_folder(dir, plan, design);
      } catch (const ScenarioError& e) {
        if (lead) std::cerr << e.what() << "\n";
        code = kExitBadScenario;
      } catch (const OutputCreateError& e) {
        std::cerr << "courtyard: cannot create output: " << e.what() << "\n";
        code = kExitCantCreate;
      } catch (const IoError& e) {
        if (lead) std::cerr << "courtyard: I/O error: " << e.what() << "\n";
        code = kExitIo;
      }
      code = mpi.broadcast(code);
      if (code != kExitOk) return code;
      try {
        const Folder folder(dir, static_cast<int64_t>(design.runs.size()), plan.summary_only);
        Log log(dir);
        RunContext ctx{&plan, &design, &folder, command_line, &g_stop.abandon, &log};
  ctx.checkpoint_every = g_checkpoint_every;
        const Tally t = run_mpi(mpi, ctx, threads > 0 ? cap_to_hardware(threads, "--threads") : threads, g_stop, quiet);
        if (!lead) return t.interrupted > 0 ? kExitInterrupted : kExitOk;
        const int64_t left = static_cast<int64_t>(design.runs.size()) - t.skipped - t.done - t.failed;
        std::printf("sweep \"%s\": %zu runs in %s; %lld done now, %lld failed, %lld complete before, %lld left\n",
                    plan.name.c_str(), design.runs.size(), dir.c_str(), static_cast<long long>(t.done),
                    static_cast<long long>(t.failed), static_cast<long long>(t.skipped), static_cast<long long>(left));
        std::printf("time       %.2f s of runs on %d worker ranks, %.2f s wall\n", t.run_seconds, mpi.size() - 1,
                    t.wall_seconds);
        if (left > 0 && (g_stop.finish.load() || t.interrupted > 0)) return kExitInterrupted;
        return t.failed > 0 ? kExitRunsFailed : kExitOk;
      } catch (const std::exception& e) {
        std::cerr << "courtyard: rank " << mpi.rank() << ": " << e.what() << "\n";
        mpi.abort(70);
      }
    }
    // a single rank: run locally (MPI stays initialised until the end of this scope)
    return run_here(sweep_path, dir, threads, concurrent, false, 0, 1, quiet, command_line);
  }
  return run_here(sweep_path, dir, threads, concurrent, sharing, task - first_task, tasks, quiet, command_line);
}

int sweep_status_command(int argc, char** argv) {
  std::string dir;
  bool list = false;
  po::options_description opts("Options");
  opts.add_options()
      ("dir", po::value(&dir)->required(), "sweep folder (the --out of sweep run)")
      ("list", po::bool_switch(&list), "list every run that is not done, and every failure's message");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard sweep status DIR [--list]\n"
      "\n"
      "Counts the runs of a sweep folder that are done (a complete file), failed (a record in DIR/failed/)\n"
      "and missing (neither: not run yet, or abandoned). Exit 0 when every run is done, 1 otherwise.\n"
      "\n"
      "Example:\n"
      "  courtyard sweep status sweep-out\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  const FolderSweep fsw = open_folder(dir);
  const Folder folder(dir, static_cast<int64_t>(fsw.design.runs.size()), fsw.plan.summary_only);
  const Status s = sweep_status(folder);
  std::printf("sweep \"%s\" in %s: %zu runs (%s, %lld points x %d replicates), keep %s\n", fsw.plan.name.c_str(),
              dir.c_str(), fsw.design.runs.size(), design_name(fsw.plan.design.kind),
              static_cast<long long>(fsw.design.points), fsw.plan.replicates, fsw.plan.summary_only ? "summary" : "full");
  std::printf("done     %zu\n", s.done.size());
  std::printf("failed   %zu%s\n", s.failed.size(), run_list(folder, s.failed, list).c_str());
  std::printf("missing  %zu%s\n", s.missing.size(), run_list(folder, s.missing, list).c_str());
  const size_t shown = list ? s.failed.size() : std::min<size_t>(s.failed.size(), 3);
  for (size_t i = 0; i < shown; ++i) {
    const std::string text = folder.failure(s.failed[i]);
    // the record's first line names the run; the message follows the overrides
    const size_t msg = text.find('\n', text.find("overrides:"));
    const std::string why = msg == std::string::npos ? text : text.substr(msg + 1, text.find('\n', msg + 1) - msg - 1);
    std::printf("  %s: %s\n", folder.run_name(s.failed[i]).c_str(), why.c_str());
  }
  if (!s.stale_temporaries.empty())
    std::printf("note     %zu temporary file%s in %s/runs of killed processes (safe to delete when no sweep runs)\n",
                s.stale_temporaries.size(), s.stale_temporaries.size() == 1 ? "" : "s", dir.c_str());
  return s.failed.empty() && s.missing.empty() ? kExitOk : kExitRunsFailed;
}

int sweep_collect(int argc, char** argv) {
  std::string dir;
  po::options_description opts("Options");
  opts.add_options()("dir", po::value(&dir)->required(), "sweep folder (the --out of sweep run)");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard sweep collect DIR\n"
      "\n"
      "Writes, in DIR: results.csv (one row per run: run, point, replicate, seed, parameters, status and\n"
      "the summaries), sweep.h5 (the design, the summaries, an external link to every run's file and, for\n"
      "full runs, each subdistrict metric of all runs as one (run, time) virtual dataset) and salib/\n"
      "(params.txt, X.txt and Y_<summary>.txt, one row per design point, for SALib's analyses). Runs that\n"
      "are not done have empty summaries; collect says how many.\n"
      "\n"
      "Example:\n"
      "  courtyard sweep collect sweep-out\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  const FolderSweep fsw = open_folder(dir);
  const Folder folder(dir, static_cast<int64_t>(fsw.design.runs.size()), fsw.plan.summary_only);
  const Collected c = collect(dir, fsw.plan, fsw.design, folder);
  for (const std::string& f : c.files) std::printf("%s/%s\n", dir.c_str(), f.c_str());
  if (c.done < c.rows)
    std::fprintf(stderr, "courtyard: %lld of %lld runs are not done: their summaries are empty (see sweep status)\n",
                 static_cast<long long>(c.rows - c.done), static_cast<long long>(c.rows));
  return kExitOk;
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kSweepUsage;
    return kExitUsage;
  }
  const std::string sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kSweepUsage << "\n" << kExitCodeHelp << "  1   sweep run: some runs failed; sweep status: not every run is done\n";
    return kExitOk;
  }
  // the subcommand's own arguments, with the subcommand as argv[0]
  if (sub == "expand") return sweep_expand(argc - 1, argv + 1);
  if (sub == "run") return sweep_run(argc - 1, argv + 1);
  if (sub == "status") return sweep_status_command(argc - 1, argv + 1);
  if (sub == "collect") return sweep_collect(argc - 1, argv + 1);
  throw UsageError("unknown sweep command '" + sub + "' (try courtyard sweep --help)");
}

}  // namespace courtyard
