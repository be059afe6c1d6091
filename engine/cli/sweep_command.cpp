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
#include <cctype>
#include <charconv>
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
    "  collect  write results.csv, results_by_kind.csv, sweep.h5 and SALib's files from a sweep folder\n"
    "\n"
    "`courtyard sweep COMMAND --help` shows a command's options and examples.\n";

// "courtyard sweep run ...": argv[0] is the subcommand.
std::string join_command_line(int argc, char** argv) {
  std::string out = "courtyard sweep";
  for (int i = 0; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

// A manifest's value ("" if absent).
std::string manifest_value(const std::string& text, const std::string& key) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, key.size() + 1, key + " ") == 0) return text.substr(at + key.size() + 1, end - at - key.size() - 1);
    at = end + 1;
  }
  return "";
}

// A sweep folder's plan and design, read from the copies it keeps; checked against its design.csv.
struct FolderSweep {
  Plan plan;
  Design design;
  std::string manifest;
};
FolderSweep open_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::exists(d / "manifest.txt", ec))
    throw IoError(dir + " is not a sweep folder (no manifest.txt): give the folder of `courtyard sweep run --out`");
  FolderSweep out;
  out.plan = load_sweep((d / "sweep.txtpb").string(), (d / "scenario.txtpb").string());
  // the folder's runs, as its design.csv numbers them (a grown sweep's differ from the canonical order)
  try {
    out.design = folder_design(out.plan, make_design(out.plan), read_text((d / "design.csv").string()), false);
  } catch (const OutputCreateError& e) {
    throw IoError(dir + "/design.csv does not match the design of " + dir + "/sweep.txtpb as this engine makes it (" +
                  e.what() + "; was the folder made by another version?)");
  }
  out.manifest = read_text((d / "manifest.txt").string());
  // the name the sweep had when it ran (a nameless sweep is named after its file, not after the copy)
  if (const std::string name = manifest_value(out.manifest, "name"); !name.empty()) out.plan.name = name;
  return out;
}

// A run list: numbers or names (run-00042), separated by commas, blanks or lines, ranges as A-B; '#'
// starts a comment. Every run must exist.
std::vector<int64_t> parse_run_list(const std::string& text, int64_t runs, const std::string& where) {
  std::vector<int64_t> out;
  std::string token;
  auto number = [&](std::string t) -> int64_t {
    if (t.starts_with("run-")) t = t.substr(4);
    for (const std::string suffix : {".summary.h5", ".h5", ".txt"})
      if (t.ends_with(suffix)) t.resize(t.size() - suffix.size());
    int64_t v = -1;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v < 0 || v >= runs)
      throw UsageError(where + ": \"" + t + "\" is not a run of this sweep (0 to " + std::to_string(runs - 1) + ")");
    return v;
  };
  auto flush = [&] {
    if (token.empty()) return;
    const size_t dash = token.find('-', token.starts_with("run-") ? 4 : 0);
    if (dash != std::string::npos && dash > 0) {
      const int64_t a = number(token.substr(0, dash)), b = number(token.substr(dash + 1));
      if (b < a) throw UsageError(where + ": the range " + token + " runs backwards");
      for (int64_t r = a; r <= b; ++r) out.push_back(r);
    } else {
      out.push_back(number(token));
    }
    token.clear();
  };
  bool comment = false;
  for (char ch : text) {
    if (ch == '\n') comment = false;
    if (comment) continue;
    if (ch == '#') {
      comment = true;
      flush();
    } else if (ch == ',' || std::isspace(static_cast<unsigned char>(ch))) {
      flush();
    } else {
      token += ch;
    }
  }
  flush();
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
// Which runs of the sweep this process runs: all, a list, a task's share of either.
struct Selection {
  std::string runs;        // --runs
  std::string run_list;    // --run-list FILE ("-": standard input)
  bool sharing = false;    // --task given
  int64_t task = 0;        // 0-based (--task minus --first-task)
  int64_t tasks = 0;       // --tasks: round robin
  int64_t per_task = 0;    // --runs-per-task: blocks
};

std::vector<int64_t> select_runs(const Selection& sel, int64_t nrun, std::string* what) {
  std::vector<int64_t> list;
  if (!sel.runs.empty() || !sel.run_list.empty()) {
    std::string text = sel.runs;
    if (!sel.run_list.empty()) {
      if (sel.run_list == "-") {
        text += "\n" + std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(sel.run_list, ec)) throw UsageError("--run-list " + sel.run_list + ": no such file");
        text += "\n" + read_text(sel.run_list);
      }
    }
    list = parse_run_list(text, nrun, sel.run_list.empty() ? "--runs" : "--run-list " + sel.run_list);
    *what = std::to_string(list.size()) + " listed runs";
  } else {
    list = task_share(nrun, 0, 1);
  }
  if (!sel.sharing) return list;
  std::vector<int64_t> out;
  if (sel.per_task > 0) {
    out = task_block(list, sel.task, sel.per_task);
    *what = "task " + std::to_string(sel.task) + ": positions " + std::to_string(sel.task * sel.per_task) + " to " +
            std::to_string((sel.task + 1) * sel.per_task - 1) + " of " + (what->empty() ? "the runs" : *what);
  } else {
    for (int64_t k : task_share(static_cast<int64_t>(list.size()), sel.task, sel.tasks)) out.push_back(list[static_cast<size_t>(k)]);
    *what = "task " + std::to_string(sel.task) + " of " + std::to_string(sel.tasks) + (what->empty() ? "" : " over " + *what);
  }
  return out;
}

int run_here(const std::string& sweep_path, const std::string& dir, int threads, int concurrent, const Selection& sel,
             bool quiet, const std::string& command_line) {
  const Plan plan = load_sweep(sweep_path);
  const Design design = prepare_folder(dir, plan, make_design(plan));
  const int64_t nrun = static_cast<int64_t>(design.runs.size());
  const Folder folder(dir, nrun, plan.summary_only);
  Log log(dir);
  std::string what;
  const std::vector<int64_t> share = select_runs(sel, nrun, &what);
  const bool sharing = !what.empty();
  if (sharing) log.write(what + ": " + std::to_string(share.size()) + " runs");
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
              sharing ? (" (" + what + ")").c_str() : "",
              static_cast<long long>(t.done), static_cast<long long>(t.failed), static_cast<long long>(t.skipped),
              static_cast<long long>(left));
  std::printf("time       %.2f s of runs, %.2f s wall\n", t.run_seconds, t.wall_seconds);
  if (t.failed > 0) std::printf("failed     see courtyard sweep status %s, and %s/failed/\n", dir.c_str(), dir.c_str());
  // out now, not at exit: whatever goes wrong after this (a library's clean-up crashing, a sanitizer ending
  // the process with _exit after its report) would lose a summary still in stdout's buffer
  std::fflush(stdout);
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
  int64_t task = -1, tasks = 0, first_task = 0, per_task = 0;
  std::string runs, run_list;
  bool quiet = false, no_mpi = false;
  po::options_description opts("Options");
  opts.add_options()
      ("sweep", po::value(&sweep_path)->required(), "sweep file (.txtpb)")
      ("out", po::value(&dir)->required(), "output folder (created; a folder of the same sweep is resumed)")
      ("threads", po::value(&threads), "threads in all (default: $SLURM_CPUS_PER_TASK, else all cores); under MPI: per rank")
      ("concurrent", po::value(&concurrent), "runs at once (default: min(threads, runs to do)); each gets threads/concurrent threads")
      ("task", po::value(&task), "run only this task's share (with --tasks or --runs-per-task)")
      ("tasks", po::value(&tasks), "round robin: task T runs the runs at positions p with p % tasks == T - first-task")
      ("runs-per-task", po::value(&per_task), "blocks: task T runs positions (T - first-task) * K to ... + K - 1")
      ("first-task", po::value(&first_task), "number of the first task (1 for a Slurm array --array=1-N; default 0)")
      ("runs", po::value(&runs), "run only these runs: 3,7,10-12 (numbers or names run-00003)")
      ("run-list", po::value(&run_list), "run only the runs listed in this file, one or more a line ('-': standard input)")
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
      "                           [--runs LIST | --run-list FILE] [--checkpoint-every N]\n"
      "                           [--task I (--tasks N | --runs-per-task K) [--first-task B]] [--quiet]\n"
      "\n"
      "Runs every run of the sweep that is not yet complete in DIR: several at once on this machine, the\n"
      "share of one task of a Slurm job array (--task/--tasks), or across MPI ranks when started by mpirun\n"
      "(rank 0 hands runs out, the other ranks run them). Runs are written to DIR/runs/, failures to\n"
      "DIR/failed/, a log per process to DIR/logs/. Exit 0 when every run of the share is done, 1 if some\n"
      "failed, 75 when stopped by a signal (SIGUSR1: the running runs finish; SIGINT/SIGTERM: they are\n"
      "abandoned). Running it again resumes; a sweep that has grown (more replicates, values or points)\n"
      "runs only its new runs; a folder holding another sweep, or a sweep that shrank or changed, is\n"
      "refused (exit 73). --runs/--run-list restrict it to listed runs; --task picks a task's share of\n"
      "them (Slurm arrays with gaps and steps: scripts/slurm/sweep.sbatch, docs/sweeps.md).\n"
      "With --checkpoint-every N each run saves its state every N weeks (and when abandoned), and running\n"
      "the sweep again continues a run from its checkpoint instead of from week 0.\n"
      "\n"
      "Examples:\n"
      "  courtyard sweep run scenarios/sweeps/fee_and_trust.txtpb --out sweep-out --threads 8\n"
      "  courtyard sweep run sweep.txtpb --out /scratch/s1 --task $SLURM_ARRAY_TASK_ID --tasks 16\n"
      "  courtyard sweep run sweep.txtpb --out /scratch/s1 --task $SLURM_ARRAY_TASK_ID --runs-per-task 10\n"
      "  courtyard sweep run sweep.txtpb --out sweep-out --runs 3,7\n"
      "  mpirun -n 9 courtyard sweep run sweep.txtpb --out /scratch/s1 --threads 4\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  if (vm.count("threads") && threads < 1) throw UsageError("--threads must be at least 1");
  if (vm.count("concurrent") && concurrent < 1) throw UsageError("--concurrent must be at least 1");
  if (vm.count("checkpoint-every") && g_checkpoint_every < 1) throw UsageError("--checkpoint-every must be at least 1 (weeks)");
  const bool sharing = vm.count("task") || vm.count("tasks") || vm.count("runs-per-task");
  if (sharing && (!vm.count("task") || vm.count("tasks") + vm.count("runs-per-task") != 1))
    throw UsageError("--task goes with one of --tasks (round robin) and --runs-per-task (blocks)");
  if (vm.count("tasks") && tasks < 1) throw UsageError("--tasks must be at least 1");
  if (vm.count("runs-per-task") && per_task < 1) throw UsageError("--runs-per-task must be at least 1");
  if (vm.count("tasks") && (task - first_task < 0 || task - first_task >= tasks))
    throw UsageError("--task must be from " + std::to_string(first_task) + " to " + std::to_string(first_task + tasks - 1) +
                     " (--first-task " + std::to_string(first_task) + ", --tasks " + std::to_string(tasks) + ")");
  if (vm.count("runs-per-task") && task - first_task < 0)
    throw UsageError("--task must be at least " + std::to_string(first_task) + " (--first-task)");
  if (vm.count("runs") && vm.count("run-list")) throw UsageError("give --runs or --run-list, not both");
  Selection sel;
  sel.runs = runs;
  sel.run_list = run_list;
  sel.sharing = sharing;
  sel.task = task - first_task;
  sel.tasks = tasks;
  sel.per_task = per_task;
  const bool listed = vm.count("runs") || vm.count("run-list");
  const std::string command_line = join_command_line(argc, argv);
  install_signal_handlers();

  // under mpirun: one coordinator and workers; problems reported by rank 0 only
  if (!no_mpi && !sharing && !listed && mpi_launched()) {
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
        if (lead) design = prepare_folder(dir, plan, design);
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
        // the folder's design, as rank 0 has made it (a grown sweep numbers its runs otherwise)
        if (!lead) design = folder_design(plan, design, read_text((std::filesystem::path(dir) / "design.csv").string()), false);
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
    return run_here(sweep_path, dir, threads, concurrent, Selection{}, quiet, command_line);
  }
  return run_here(sweep_path, dir, threads, concurrent, sel, quiet, command_line);
}

// Why a run failed, in one line: the first line of the message in its failure record (for an invalid
// scenario, its first problem).
std::string failure_reason(const std::string& record) {
  const size_t overrides = record.find("overrides:");
  const size_t msg = overrides == std::string::npos ? std::string::npos : record.find('\n', overrides);
  if (msg == std::string::npos) return record.substr(0, record.find('\n'));
  auto line_at = [&](size_t at) { return record.substr(at, record.find('\n', at) - at); };
  std::string why = line_at(msg + 1);
  if (why.starts_with("invalid scenario (") && record.find('\n', msg + 1) != std::string::npos)
    why = "invalid scenario: " + line_at(record.find('\n', msg + 1) + 1);
  return why;
}

// A shell word, quoted when it needs to be.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int sweep_status_command(int argc, char** argv) {
  std::string dir, ids;
  bool list = false;
  po::options_description opts("Options");
  opts.add_options()
      ("dir", po::value(&dir)->required(), "sweep folder (the --out of sweep run)")
      ("list", po::bool_switch(&list), "list every run that is not done; each failure's reason and how to rerun it")
      ("ids", po::value(&ids), "print only the numbers of the runs that are failed, missing or not-done (both), "
                               "comma-separated (for --runs, or sbatch --array with --runs-per-task 1)");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard sweep status DIR [--list] [--ids failed|missing|not-done]\n"
      "\n"
      "Counts the runs of a sweep folder that are done (a complete file), failed (a record in DIR/failed/)\n"
      "and missing (neither: not run yet, or abandoned; a missing run's checkpoint is shown with its week,\n"
      "from which the next sweep run resumes it). --list shows every run that is not done, each\n"
      "failure's reason (the first line of its error) and the commands that rerun it: in the sweep, and\n"
      "alone with courtyard run. Exit 0 when every run is done, 1 otherwise.\n"
      "\n"
      "Examples:\n"
      "  courtyard sweep status sweep-out --list\n"
      "  courtyard sweep run SWEEP --out sweep-out --runs $(courtyard sweep status sweep-out --ids failed)\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  if (vm.count("ids") && ids != "failed" && ids != "missing" && ids != "not-done")
    throw UsageError("--ids takes failed, missing or not-done, not \"" + ids + "\"");
  const FolderSweep fsw = open_folder(dir);
  const Folder folder(dir, static_cast<int64_t>(fsw.design.runs.size()), fsw.plan.summary_only);
  const Status s = sweep_status(folder);
  if (vm.count("ids")) {
    std::vector<int64_t> chosen;
    if (ids != "missing") chosen.insert(chosen.end(), s.failed.begin(), s.failed.end());
    if (ids != "failed") chosen.insert(chosen.end(), s.missing.begin(), s.missing.end());
    std::sort(chosen.begin(), chosen.end());
    std::string out;
    for (int64_t r : chosen) out += (out.empty() ? "" : ",") + std::to_string(r);
    std::printf("%s\n", out.c_str());
    return s.failed.empty() && s.missing.empty() ? kExitOk : kExitRunsFailed;
  }
  std::printf("sweep \"%s\" in %s: %zu runs (%s, %lld points x %d replicates), keep %s\n", fsw.plan.name.c_str(),
              dir.c_str(), fsw.design.runs.size(), design_name(fsw.plan.design.kind),
              static_cast<long long>(fsw.design.points), fsw.plan.replicates, fsw.plan.summary_only ? "summary" : "full");
  std::printf("done     %zu\n", s.done.size());
  std::printf("failed   %zu%s\n", s.failed.size(), run_list(folder, s.failed, list).c_str());
  std::printf("missing  %zu%s\n", s.missing.size(), run_list(folder, s.missing, list).c_str());
  // the missing runs a rerun continues rather than starts over
  const size_t checkpoints_shown = list ? s.checkpointed.size() : std::min<size_t>(s.checkpointed.size(), 3);
  for (size_t i = 0; i < checkpoints_shown; ++i) {
    const auto& c = s.checkpointed[i];
    if (c.step >= 0)
      std::printf("  %s: checkpoint at week %d of %d; sweep run resumes it from there\n", folder.run_name(c.run).c_str(),
                  c.step, c.steps);
    else
      std::printf("  %s: an unreadable checkpoint; sweep run starts it over\n", folder.run_name(c.run).c_str());
  }
  if (s.checkpointed.size() > checkpoints_shown)
    std::printf("  ... (%zu more runs with a checkpoint; --list shows each)\n", s.checkpointed.size() - checkpoints_shown);
  if (!s.bad.empty()) {
    // complete files that are not this run's: refused, with the reason for each
    std::printf("bad      %zu%s\n", s.bad.size(), run_list(folder, s.bad, list).c_str());
    for (size_t i = 0; i < (list ? s.bad.size() : std::min<size_t>(s.bad.size(), 3)); ++i)
      std::printf("  %s: %s\n", folder.run_name(s.bad[i]).c_str(), folder.bad_reason(s.bad[i]).c_str());
  }
  const size_t shown = list ? s.failed.size() : std::min<size_t>(s.failed.size(), 3);
  std::string sweep_file = manifest_value(fsw.manifest, "sweep_file");
  std::error_code ec;
  if (sweep_file.empty() || !std::filesystem::exists(sweep_file, ec)) sweep_file = "SWEEP";
  for (size_t i = 0; i < shown; ++i) {
    const int64_t r = s.failed[i];
    std::printf("  %s: %s\n", folder.run_name(r).c_str(), failure_reason(folder.failure(r)).c_str());
    if (!list) continue;
    // in the sweep (the record goes when it succeeds), and alone, into a file of its own
    std::printf("    rerun: courtyard sweep run %s --out %s --runs %lld\n", shell_word(sweep_file).c_str(),
                shell_word(dir).c_str(), static_cast<long long>(r));
    std::string alone = "courtyard run " + shell_word(fsw.plan.scenario_path == (std::filesystem::path(dir) / "scenario.txtpb").string()
                                                          ? manifest_value(fsw.manifest, "scenario_file")
                                                          : fsw.plan.scenario_path);
    for (const std::string& o : run_overrides(fsw.plan, fsw.design.runs[static_cast<size_t>(r)])) alone += " --set " + shell_word(o);
    std::printf("    alone: %s -o %s.h5\n", alone.c_str(), folder.run_name(r).c_str());
  }
  if (!list && s.failed.size() > shown)
    std::printf("  ... (%zu more; --list shows every reason and how to rerun each run)\n", s.failed.size() - shown);
  if (!s.stale_temporaries.empty())
    std::printf("note     %zu temporary file%s in %s/runs of killed processes (safe to delete when no sweep runs)\n",
                s.stale_temporaries.size(), s.stale_temporaries.size() == 1 ? "" : "s", dir.c_str());
  return s.failed.empty() && s.missing.empty() && s.bad.empty() ? kExitOk : kExitRunsFailed;
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
      "Writes, in DIR: results.csv (one row per run: run, point, replicate, seed, design.csv's parameter\n"
      "columns, status and the summaries), results_by_kind.csv (the same per run and courtyard kind),\n"
      "sweep.h5 (for xr.open_dataset(path, engine=\"h5netcdf\"): the parameters as coordinates along run,\n"
      "for full runs each metric as (run, time) and per courtyard kind as (run, kind, time), the summaries\n"
      "in group summary, an external link to every run's file) and salib/ (params.txt, X.txt and\n"
      "Y_<summary>.txt, one row per design point, for SALib's analyses). Runs that are not done have\n"
      "empty summaries; collect says how many. `courtyard info DIR/sweep.h5` describes the result.\n"
      "\n"
      "Example:\n"
      "  courtyard sweep collect sweep-out\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  const FolderSweep fsw = open_folder(dir);
  const Folder folder(dir, static_cast<int64_t>(fsw.design.runs.size()), fsw.plan.summary_only);
  const Collected c = collect(dir, fsw.plan, fsw.design, folder);
  for (const std::string& f : c.files) std::printf("%s/%s\n", dir.c_str(), f.c_str());
  for (const int64_t r : c.bad)
    std::fprintf(stderr, "courtyard: %s refused: %s\n", folder.run_name(r).c_str(), folder.bad_reason(r).c_str());
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
