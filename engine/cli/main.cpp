// courtyard: the command-line program.
//
//   courtyard run [SCENARIO] [-o OUT.h5] [--seed S] [--steps N] [--threads N] [--set k=v ...] [--force]
//                 [--paired-baseline] [--checkpoint-every N]
//   courtyard run --resume OUT.h5 [--threads N] [--checkpoint-every N]
//   courtyard validate [SCENARIO] [--set k=v ...]
//   courtyard print [SCENARIO] [--format txtpb|json] [--set k=v ...]
//   courtyard info RUN.h5
//
// Exit codes (sysexits.h): 0 ok, 64 usage, 65 bad scenario (or checkpoint of another scenario or build),
// 66 no checkpoint to resume, 73 cannot create output, 74 I/O error,
// 75 interrupted (partial output written and marked incomplete), 70 internal error or a run whose state
// went non-finite (its file kept, marked failed).
#include <H5public.h>
#include <google/protobuf/stubs/common.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <limits>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/progress.h"
#include "cli/resume.h"
#include "core/calendar.h"
#include "core/errors.h"
#include "core/version.h"
#include "output/run_file.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sim/run.h"

namespace po = boost::program_options;
using namespace courtyard;

namespace courtyard {
int cmd_patterns(int argc, char** argv);  // cli/patterns_command.cpp
int cmd_calibrate(int argc, char** argv);  // cli/calibrate_command.cpp
}

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

const char* kUsage =
    "courtyard: agent-based simulation of residential courtyards' self-governance\n"
    "\n"
    "Usage: courtyard COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run       run a scenario and write its time series to HDF5\n"
    "  validate  check a scenario and report every problem\n"
    "  print     print the effective scenario (defaults filled, overrides applied)\n"
    "  info      describe a result file, a sweep run's summary file or sweep.h5\n"
    "  lab       run the households' decision rules in classic experiments (pgg, litter, schedule)\n"
    "  demo      the trainer's demo: the Jiangdong Minju pilot (or a meeting) against its baseline\n"
    "  sweep     parameter sweeps: expand, run (locally, Slurm arrays, MPI), status, collect\n"
    "  patterns  pattern-oriented validation: each claimed pattern against its literature range\n"
    "  calibrate fit scenario parameters to observed targets (ABC-SMC): posterior and predictive\n"
    "\n"
    "Without SCENARIO, run/validate/print use the embedded default scenario.\n"
    "`courtyard COMMAND --help` shows a command's options and examples.\n"
    "`courtyard --version` shows the engine, git commit and library versions.\n";

std::string version_text() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  std::ostringstream out;
  out << "courtyard " << engine_version() << " (git " << git_commit() << ")\n"
      << "  oneTBB " << TBB_VERSION_MAJOR << "." << TBB_VERSION_MINOR << " (runtime " << TBB_runtime_version()
      << ")\n"
      << "  HDF5 " << maj << "." << min << "." << rel << "\n"
      << "  protobuf " << google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION) << "\n";
  return out.str();
}

std::string join_args(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i) out += ' ';
    out += argv[i];
  }
  return out;
}

// The file of a run's paired baseline: OUT.h5 -> OUT-baseline.h5, beside it.
std::string baseline_path(const std::string& output) {
  const std::string ext = ".h5";
  if (output.size() > ext.size() && output.compare(output.size() - ext.size(), ext.size(), ext) == 0)
    return output.substr(0, output.size() - ext.size()) + "-baseline.h5";
  return output + "-baseline.h5";
}

int cmd_run(int argc, char** argv, const std::string& command_line) {
  ScenarioArgs a;
  std::string output, progress = "auto";
  std::string resume;
  int threads = 0, checkpoint_every = 0;
  RunFileBuffers buffers;
  bool force = false, quiet = false, paired = false;
  po::options_description opts("Options");
  opts.add_options()
      ("scenario", po::value(&a.path), "scenario file (.txtpb or .json); default: the embedded scenario")
      ("output,o", po::value(&output), "result file (default: SCENARIO-NAME.h5 in the current folder)")
      ("threads", po::value(&threads), "worker threads (default: $SLURM_CPUS_PER_TASK, else all cores)")
      ("force", po::bool_switch(&force), "overwrite an existing result file")
      ("progress", po::value(&progress), "progress on stderr: auto|bar|log|none")
      ("paired-baseline", po::bool_switch(&paired),
       "also run the same scenario and seed without its interventions into OUT-baseline.h5 (beside OUT.h5) and "
       "print the collection gained and the cost per point gained")
      ("quiet,q", po::bool_switch(&quiet), "print only the result file's path (and the baseline's)")
      ("checkpoint-every", po::value(&checkpoint_every),
       "save the run's state every N weeks to OUT.h5.ckpt (and its records to OUT.h5.journal), so that a run "
       "stopped or killed continues with --resume; also saved when SIGINT/SIGTERM stops the run")
      ("resume", po::value(&resume),
       "continue the run into OUT.h5 from OUT.h5.ckpt: the scenario and settings come from the checkpoint")
      ("output-slabs", po::value(&buffers.slabs),
       "whole slabs of records (one chunk's records of every metric) the result file's writer may hold "
       "uncompressed (default 1; 2 lets the run fill a whole slab while the last is compressed)")
      ("output-spare-records", po::value(&buffers.spare_records),
       "records beyond those slabs the run may fill while the writer compresses (default: a quarter of a slab, "
       "at least 1; 0: the run waits for each slab)");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard run [SCENARIO] [-o OUT.h5] [--seed S] [--steps N] [--threads N] [--set k=v ...] [--force]\n"
      "                     [--progress auto|bar|log|none] [--paired-baseline] [--checkpoint-every N]\n"
      "                     [--output-slabs N] [--output-spare-records N]\n"
      "       courtyard run --resume OUT.h5 [--threads N] [--checkpoint-every N] [--progress ...]\n"
      "\n"
      "Runs a scenario and writes its time series, events and parameters to one HDF5 file, then prints a\n"
      "summary and what the run cost: yuan by payer (subdistrict, community, courtyard fund), community staff\n"
      "and volunteer hours, and per household.\n"
      "\n"
      "--paired-baseline also runs the same scenario on the same seed without its interventions (the list\n"
      "`interventions` emptied; the draws are shared) into OUT-baseline.h5 beside OUT.h5, and prints the fee\n"
      "collection of both at the end, the percentage points gained, and the yuan and staff hours per point\n"
      "gained (costs less what the baseline spent; \"n/a\" when there is no gain).\n"
      "\n"
      "--checkpoint-every N saves the whole state every N weeks beside the result (OUT.h5.ckpt, and the records\n"
      "so far in OUT.h5.journal), and at the week SIGINT/SIGTERM stops the run (exit 75). `courtyard run --resume\n"
      "OUT.h5` continues from there, even after kill -9, with the scenario and settings of the checkpoint, and\n"
      "ends with the datasets an uninterrupted run writes. Both files go when the run completes; a process\n"
      "killed just after its result was in place leaves them beside the complete OUT.h5, and --resume then\n"
      "removes them (said on stderr), leaves OUT.h5 as it is and exits 0. A checkpoint of another program\n"
      "build is refused (exit 65); without one, --resume exits 66.\n"
      "\n"
      "Memory of the result file's writer: records wait for it uncompressed, nmetric x ncourtyard x 4 bytes\n"
      "each, at most (--output-slabs x T + --output-spare-records) of them, T being the records of one chunk\n"
      "(docs/output-format.md, \"How the file is written\"). The settings change no byte of the file.\n"
      "\n"
      "Examples:\n"
      "  courtyard run                                   # the embedded default scenario\n"
      "  courtyard run scenarios/demo_district.txtpb -o out.h5 --seed 7 --threads 2\n"
      "  courtyard run my.txtpb --set courtyard_kinds[0].count=500 --set behaviour.moving.let_share=0.4\n"
      "  courtyard run scenarios/jiangdong_minju_pilot.txtpb -o pilot.h5 --paired-baseline   # and pilot-baseline.h5\n"
      "  courtyard run scenarios/city_10k.txtpb -o city.h5 --checkpoint-every 13\n"
      "  courtyard run --resume city.h5                  # after an interruption\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  ProgressMode mode;
  if (!parse_progress_mode(progress, &mode)) throw UsageError("--progress must be auto, bar, log or none");
  if (vm.count("threads") && threads < 1) throw UsageError("--threads must be at least 1");
  if (threads == 0) threads = threads_default();
  threads = cap_to_hardware(threads, "--threads");

  if (buffers.slabs < 1) throw UsageError("--output-slabs must be at least 1");
  if (vm.count("output-spare-records") && buffers.spare_records < 0)
    throw UsageError("--output-spare-records must be at least 0");
  if (vm.count("checkpoint-every") && checkpoint_every < 1) throw UsageError("--checkpoint-every must be at least 1 (weeks)");
  if (checkpoint_every > 0 && paired)
    throw UsageError("--checkpoint-every does not combine with --paired-baseline (run the two scenarios separately)");
  std::optional<ResumePlan> resumed;
  if (vm.count("resume")) {
    if (paired) throw UsageError("--resume does not combine with --paired-baseline");
    if (force) throw UsageError("--resume continues a run; --force would start it over (run without --resume)");
    const std::string target = resume_output(resume);
    if (!output.empty() && output != target) throw UsageError("--resume " + target + " writes " + target + ", not -o " + output);
    const bool given = !a.path.empty() || !a.sets.empty() || !a.seed.empty() || !a.steps.empty();
    resumed = prepare_resume(target, given ? &a : nullptr, command_line);
    if (!resumed->notice.empty()) std::fprintf(stderr, "courtyard: %s\n", resumed->notice.c_str());
    if (resumed->already_complete) {
      if (!quiet) std::printf("%s is complete: nothing to resume\n", target.c_str());
      else std::printf("%s\n", target.c_str());
      return kExitOk;
    }
    output = target;
    if (checkpoint_every == 0) checkpoint_every = resumed->info.checkpoint_every;
  }
  const LoadedScenario loaded = resumed ? resumed->loaded : load(a);
  const Model model = build_model(loaded);
  if (output.empty()) output = (model.scenario_name.empty() ? std::string("courtyard-run") : model.scenario_name) + ".h5";
  if (!resumed) {
    const std::string removed = check_no_checkpoint(output, force);
    if (!removed.empty()) std::fprintf(stderr, "courtyard: %s\n", removed.c_str());
  }

  // the paired baseline: the same effective scenario (seed, overrides) without its interventions; checked
  // and its file name tried before the run, so that a long run does not end in a refusal
  std::optional<Model> baseline;
  std::string baseline_output;
  if (paired) {
    LoadedScenario b = loaded;
    b.spec.clear_interventions();
    baseline.emplace(build_model(b));
    baseline_output = baseline_path(output);
    std::error_code ec;
    if (!force && std::filesystem::exists(baseline_output, ec))
      throw OutputCreateError(baseline_output + " exists; use --force to overwrite");
  }

  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism,
                                    static_cast<size_t>(threads));
  RunFileInfo info{engine_version(), git_commit(), command_line, utc_now(), "", ""};
  if (resumed)
    info = RunFileInfo{engine_version(), git_commit(), resumed->info.command_line, resumed->info.created_utc, "", ""};
  auto run = [&](const Model& m, const std::string& path, CostTally& tally) {
    ProgressReporter reporter(quiet ? ProgressMode::kNone : mode);
    RunOptions options;
    options.output_path = path;
    options.force = force;
    options.info = info;
    options.buffers = buffers;
    options.on_step = [&](const RunProgress& p) { reporter.update(p); };
    options.on_record = [&](int32_t, std::span<const float>, std::span<const double> sd) { tally.add(sd); };
    options.stop = &g_stop;
    // test only (tests/cli): COURTYARD_TEST_NONFINITE=STEP makes the first metric of courtyard 0 NaN at
    // that step, the one way to see the non-finite check end a run (valid parameters cannot)
    if (const char* at = std::getenv("COURTYARD_TEST_NONFINITE"); at != nullptr && *at != '\0') {
      const long step = std::strtol(at, nullptr, 10);
      options.tamper = [step](int32_t s, std::span<float> values, std::span<double>) {
        if (s == step && !values.empty()) values[0] = std::numeric_limits<float>::quiet_NaN();
      };
    }
    if (&m == &model) {  // the baseline has no checkpoints (--paired-baseline is refused with them)
      options.checkpoint_every = checkpoint_every;
      options.resume = resumed.has_value();
      if (resumed) options.history = resumed->history;
      if (resumed) options.force = true;  // replaces the interrupted file, if any
    }
    RunResult result = run_model(m, options);
    reporter.finish();
    return result;
  };
  CostTally tally, baseline_tally;
  const RunResult r = run(model, output, tally);
  RunResult rb;
  if (baseline && r.complete) rb = run(*baseline, baseline_output, baseline_tally);
  const bool complete = r.complete && (!baseline || rb.complete);

  if (quiet) {
    std::cout << r.path << "\n";
    if (!rb.path.empty()) std::cout << rb.path << "\n";
  } else {
    std::printf("scenario   %s (sha256 %.12s)\n", model.scenario_name.c_str(), model.scenario_sha256.c_str());
    std::printf("population %d courtyards, %lld households, %d communities\n", model.ncourtyard(),
                static_cast<long long>(model.nhousehold()), model.ncommunity());
    std::printf("run        %d of %d weeks from %s, seed %llu, %d threads\n", r.steps_done, model.steps,
                format_date(model.start_date).c_str(), static_cast<unsigned long long>(model.seed), threads);
    if (r.resumed_from >= 0)
      std::printf("resumed    at week %d from %s\n", r.resumed_from, checkpoint_path(output).c_str());
    std::printf("time       %.2f s, %.3g household-steps/s (metrics %.2f s, output %.2f s; writer thread %.2f s)\n",
                r.seconds, r.seconds > 0 ? r.household_steps / r.seconds : 0.0, r.record_seconds, r.write_seconds,
                r.write_background_seconds);
    std::printf("phases    ");
    for (int i = 0; i < static_cast<int>(Phase::kCount); ++i) {
      std::printf(" %s %.2fs", phase_name(static_cast<Phase>(i)), r.phase_seconds[i]);
      if (static_cast<Phase>(i) == Phase::kInterventions) std::printf(" (%.2fs serial)", r.interventions_serial_seconds);
      std::printf("%s", i + 1 < static_cast<int>(Phase::kCount) ? "," : "\n");
    }
    std::printf("\n%-20s %14s %14s\n", "subdistrict", "start", "end");
    for (size_t k = 0; k < r.columns.size(); ++k)
      std::printf("%-20s %14.4g %14.4g  %s\n", r.columns[k].name.c_str(), r.first_subdistrict[k],
                  r.last_subdistrict[k], r.columns[k].units.c_str());
    std::printf("\nevents     %lld\n", static_cast<long long>(r.events));
    std::printf("output     %s%s\n", r.path.c_str(), r.complete ? "" : "  (INCOMPLETE: interrupted)");
    if (!rb.path.empty())
      std::printf("baseline   %s%s  (the same scenario and seed without its interventions, %.2f s)\n",
                  rb.path.c_str(), rb.complete ? "" : "  (INCOMPLETE: interrupted)", rb.seconds);
    const double households = static_cast<double>(model.nhousehold());
    const std::string end = "week " + std::to_string(r.steps_done);
    if (baseline && complete)
      print_costs("What it cost and what it bought (the run against its baseline, all courtyards, the whole run):",
                  {tally.costs(r.columns, households)}, {baseline_tally.costs(rb.columns, households)}, end);
    else
      print_costs("What it cost (all courtyards, the whole run):", {tally.costs(r.columns, households)}, {}, end);
  }
  if (!complete) {
    const bool main_done = r.complete;
    const RunResult& cut = main_done ? rb : r;
    const Model& m = main_done ? *baseline : model;
    std::fprintf(stderr, "courtyard: interrupted after %d of %d steps; %s is marked incomplete%s\n", cut.steps_done,
                 m.steps, cut.path.c_str(), !main_done && baseline ? "; the baseline was not run" : "");
    if (cut.last_checkpoint >= 0)
      std::fprintf(stderr, "courtyard: checkpoint at week %d in %s; continue with: courtyard run --resume %s\n",
                   cut.last_checkpoint, checkpoint_path(output).c_str(), output.c_str());
    return kExitInterrupted;
  }
  return kExitOk;
}

int cmd_validate(int argc, char** argv) {
  ScenarioArgs a;
  po::options_description opts("Options");
  opts.add_options()("scenario", po::value(&a.path), "scenario file; default: the embedded scenario");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard validate [SCENARIO] [--set k=v ...]\n"
      "\n"
      "Checks a scenario and reports every problem as FILE:LINE:COL: field.path: message (exit 65).\n"
      "\n"
      "Examples:\n"
      "  courtyard validate scenarios/demo_district.txtpb\n"
      "  courtyard validate my.txtpb --set run.steps=520\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  const LoadedScenario loaded = load(a);
  const Model model = build_model(loaded);
  std::printf("%s: valid: %d courtyards, %lld households, %d steps\n", loaded.path.c_str(), model.ncourtyard(),
              static_cast<long long>(model.nhousehold()), model.steps);
  return kExitOk;
}

int cmd_print(int argc, char** argv) {
  ScenarioArgs a;
  std::string format = "txtpb";
  po::options_description opts("Options");
  opts.add_options()
      ("scenario", po::value(&a.path), "scenario file; default: the embedded scenario")
      ("format", po::value(&format), "txtpb (protobuf text format) or json");
  add_scenario_options(opts, a);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard print [SCENARIO] [--format txtpb|json] [--set k=v ...]\n"
      "\n"
      "Prints the effective scenario: every default filled in and every override applied.\n"
      "\n"
      "Examples:\n"
      "  courtyard print                                  # the embedded default scenario\n"
      "  courtyard print my.txtpb --format json --set run.seed=3\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  if (format != "txtpb" && format != "json") throw UsageError("--format must be txtpb or json");
  const LoadedScenario loaded = load(a);
  std::cout << (format == "json" ? scenario_to_json(loaded.spec) : scenario_to_text(loaded.spec));
  return kExitOk;
}

int cmd_info(int argc, char** argv) {
  std::string path;
  po::options_description opts("Options");
  opts.add_options()("file", po::value(&path)->required(), "result file, sweep run summary file or sweep.h5");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard info FILE\n"
      "\n"
      "Describes a file the engine writes. A result file (RUN.h5): provenance, status, dimensions,\n"
      "metrics and events. A sweep run's summary file (runs/run-NNNNN.summary.h5): the run, its seed and\n"
      "its summaries, per courtyard kind too. A collected sweep (sweep.h5): the design, the runs' states,\n"
      "the parameters, kinds, records, series and summaries. A checkpoint or journal beside the file\n"
      "(FILE.ckpt, FILE.journal) is named on a last line: whose run it is, and what to do with it.\n"
      "\n"
      "Examples:\n"
      "  courtyard info build/demo/demo.h5\n"
      "  courtyard info fee-sweep/sweep.h5\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;
  std::cout << describe_file(path) << describe_checkpoint_beside(path);
  return kExitOk;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage << "\n" << kExitCodeHelp;
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << version_text();
    return kExitOk;
  }
  const std::string command_line = join_args(argc, argv);
  // the command's own arguments, with the command as argv[0]
  if (command == "run") return cmd_run(argc - 1, argv + 1, command_line);
  if (command == "validate") return cmd_validate(argc - 1, argv + 1);
  if (command == "print") return cmd_print(argc - 1, argv + 1);
  if (command == "info") return cmd_info(argc - 1, argv + 1);
  if (command == "lab") return cmd_lab(argc - 1, argv + 1);
  if (command == "demo") return cmd_demo(argc - 1, argv + 1);
  if (command == "sweep") return cmd_sweep(argc - 1, argv + 1);
  if (command == "patterns") return cmd_patterns(argc - 1, argv + 1);
  if (command == "calibrate") return cmd_calibrate(argc - 1, argv + 1);
  throw UsageError("unknown command '" + command + "' (try courtyard --help)");
}

}  // namespace

int main(int argc, char** argv) {
  // before any other HDF5 call: no library clean-up at exit. A result file whose writes failed (a full
  // disk) cannot be closed by HDF5, and its clean-up of such a file crashes (SIGSEGV in H5F__close_cb)
  // after the error was reported; every file the program keeps is closed explicitly, and the operating
  // system closes the rest (output/run_file.cpp, RunFile::Impl::abandon).
  H5dont_atexit();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  try {
    return dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "courtyard: " << e.what() << "\n";
    return kExitUsage;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadScenario;
  } catch (const InputMissingError& e) {
    std::cerr << "courtyard: " << e.what() << "\n";
    return kExitNoInput;
  } catch (const OutputCreateError& e) {
    std::cerr << "courtyard: cannot create output: " << e.what() << "\n";
    return kExitCantCreate;
  } catch (const IoError& e) {
    std::cerr << "courtyard: I/O error: " << e.what() << "\n";
    return kExitIo;
  } catch (const NonFiniteError& e) {
    std::cerr << "courtyard: run failed: " << e.what() << "\n";
    return kExitSoftware;
  } catch (const std::exception& e) {
    std::cerr << "courtyard: internal error: " << e.what() << "\n";
    return 70;
  }
}
