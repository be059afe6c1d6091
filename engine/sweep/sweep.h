// Parameter sweeps: one base scenario run over a frozen design of parameter values and seeds.
//
//   load_sweep     sweep file (proto/courtyard/v1/sweep.proto) -> validated Plan; problems as FILE:LINE:COL
//   make_design    Plan -> the frozen list of runs (point, replicate, seed, parameter values)
//   Folder         the output folder: manifest, design.csv, runs/, failed/, logs/
//   run_local      runs a share of the design on this machine, several runs at once
//   run_mpi        the same across MPI ranks (mpi_runner.cpp, when built with MPI)
//   sweep_status / collect   what is done; results.csv, sweep.h5, SALib's files
//
// Protobuf types stop in spec.cpp: everything else sees the plain structs below. docs/sweeps.md is the
// user's guide to all of it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sweep/design.h"
#include "sweep/expr.h"

namespace courtyard::sweep {

// ---- the plan: a validated sweep file -------------------------------------------------------------

// A field a linked axis sets besides (or instead of) its own path.
struct Link {
  std::string path;                 // as in --set; also its column name in design.csv
  std::vector<std::string> values;  // tuples: the value at each level of the axis
  Expression expr;                  // derived: the value from the axis's value
};

struct Axis {
  // kField: one field (path). kTuples: `links` set together, one tuple per level (values are labels).
  // kDerived: a number (values, range or bounds), set at `path` if given and turned into each link's
  // value by its expression. kCases: named sets of overrides (values are the names).
  enum class Kind { kField, kTuples, kDerived, kCases };
  Kind kind = Kind::kField;
  std::string path;  // scenario field path, as in --set ("" for tuples, cases and derived axes without one)
  std::string name;  // column name
  bool sampled = false;  // bounds (sampling designs); false: a list of values
  std::vector<std::string> values;  // the list, as applied with --set (numbers formatted, levels as given)
  double min = 0, max = 0;          // bounds
  bool integer = false;             // the field holds whole numbers
  bool numeric = true;              // numbers (false: levels, written as text)
  std::vector<Link> links;          // kTuples, kDerived
  std::vector<std::vector<std::string>> cases;  // kCases: each case's overrides, PATH=VALUE
};

// The overrides (PATH=VALUE) that set axis `a` to `value` (one of its values, or a sampled number).
std::vector<std::string> axis_overrides(const Axis& a, const std::string& value);
// The values of the axis's links at `value` (tuples: the tuple's; derived: computed), in link order.
std::vector<std::string> link_values(const Axis& a, const std::string& value);

enum class DesignKind { kFactorial, kLatinHypercube, kSobol, kSaltelli, kMorris };
const char* design_name(DesignKind kind);  // "factorial", "latin_hypercube", "sobol", "saltelli", "morris"

struct DesignSettings {
  DesignKind kind = DesignKind::kFactorial;
  int64_t points = 0;  // LHS and Sobol points; Saltelli's N
  bool centered = false;
  bool scramble = true;
  bool second_order = true;
  int64_t skip = 0;
  int32_t levels = 4;  // Morris' grid levels
};

// One number per run from a subdistrict metric's records.
struct Summary {
  enum class At { kEnd, kStep, kWindow };
  std::string metric;
  std::string name;
  At at = At::kEnd;
  int32_t step = 0;                        // kStep
  int32_t first_step = 0, last_step = -1;  // kWindow; last_step -1: the end of the run
};

struct Plan {
  std::string name;
  std::string sweep_path, sweep_text;  // the sweep file as given
  std::string scenario_path;           // the base scenario, resolved against the sweep file's folder
  std::string scenario_text;           // read once: every run uses this text
  bool scenario_json = false;
  std::string effective_scenario;      // the base with defaults filled in (scenario_to_text)
  int32_t base_steps = 0, base_record_every = 1;
  std::vector<Axis> axes;
  DesignSettings design;
  int32_t replicates = 1;
  uint64_t seed = 1;
  bool common_random_numbers = true;
  bool summary_only = false;        // keep only the summaries, not the full result files
  std::vector<Summary> summaries;   // never empty: defaults filled in
  std::string keep_text() const;    // the keep settings, canonical (part of the sweep's identity)
};

// Reads and validates a sweep file and its base scenario. Every problem is reported together
// (ScenarioError, exit 65) as FILE:LINE:COL: field.path: message; the base scenario's own problems keep
// their own FILE:LINE:COL. Each design point's scenario is loaded with the point's overrides (the first
// kMaxCheckedPoints points), and every invalid combination is reported at the axes it involves.
// `scenario_override`: read the base from there instead of the path the file names, and skip the check
// of the points (sweep status/collect read the copies kept in the output folder, checked when the sweep
// ran). Throws IoError if the sweep file cannot be read.
constexpr int64_t kMaxCheckedPoints = 4096;
Plan load_sweep(const std::string& path, const std::string& scenario_override = "");
// The same from text in memory (`name` in messages; a relative base path is resolved against `dir`).
Plan load_sweep_text(const std::string& name, const std::string& text, const std::string& dir,
                     const std::string& scenario_override = "");

// ---- the design -------------------------------------------------------------------------------------

struct Run {
  int64_t index = 0;    // run index: point * replicates + replicate
  int64_t point = 0;
  int32_t replicate = 0;
  uint64_t seed = 0;
  std::vector<std::string> values;  // one per axis, as applied with --set
};

struct Design {
  int64_t points = 0;
  UnitDesign unit;        // sampling designs: each point in [0,1)^D (empty for factorial)
  std::vector<Run> runs;  // in index order
};

// The canonical design of a plan: points in design order, replicates of a point consecutive,
// run = point * replicates + replicate. (A folder whose sweep has grown numbers its runs otherwise:
// folder_design.)
Design make_design(const Plan& plan);
// design.csv's columns after run,point,replicate,seed: each axis's name, and after a linked axis the
// path of each field it links.
std::vector<std::string> design_columns(const Plan& plan);
// A run's values in those columns.
std::vector<std::string> design_row(const Plan& plan, const Run& run);
// design.csv: run,point,replicate,seed,<design_columns>; one row per run, numbers as applied.
std::string design_csv(const Plan& plan, const Design& design);
// The overrides that make run r's scenario from the base: each axis's, then run.seed=SEED.
std::vector<std::string> run_overrides(const Plan& plan, const Run& run);
// The runs of Slurm-style task `task` of `tasks` (0-based): every run whose index % tasks == task.
std::vector<int64_t> task_share(int64_t runs, int64_t task, int64_t tasks);
// The runs of array task `task` in blocks of `per_task`: positions [task * per_task, (task + 1) * per_task)
// of `list` (empty if past its end).
std::vector<int64_t> task_block(const std::vector<int64_t>& list, int64_t task, int64_t per_task);

// A sweep folder's design: the runs of its design.csv (`folder_csv`), each matched to a point of the
// plan's canonical design; with `grow`, followed by the canonical runs the folder does not have yet,
// numbered on from the last run and point (a sweep is append-only). Throws OutputCreateError when a run
// of the folder is not in the plan's design (the sweep shrank or changed), saying which.
Design folder_design(const Plan& plan, const Design& canonical, const std::string& folder_csv, bool grow);

// ---- the output folder ------------------------------------------------------------------------------

// kBad: a complete file under the run's name that is not this run's (another run's, or another sweep's,
// copied or left there: its sweep_design or sweep_run differ or are absent); neither done nor collected.
enum class RunState { kDone, kFailed, kMissing, kBad };

class Folder {
 public:
  Folder(std::string dir, int64_t runs, bool summary_only);
  const std::string& dir() const { return dir_; }
  int64_t runs() const { return runs_; }
  bool summary_only() const { return summary_only_; }
  std::string run_name(int64_t run) const;     // run-00042
  std::string run_path(int64_t run) const;     // DIR/runs/run-00042.h5 (or .summary.h5)
  std::string failed_path(int64_t run) const;  // DIR/failed/run-00042.txt
  // Done: a complete file (`complete` = 1) under the final name whose sweep_design is the folder's
  // identity (manifest.txt) and whose sweep_run is the run's name. Bad: a complete file that is not
  // (see RunState). Failed: a failure record and no complete file. Missing: neither.
  RunState state(int64_t run) const;
  std::string failure(int64_t run) const;  // the failure record's text ("" if none)
  // Why the run's file is bad ("" when it is not).
  std::string bad_reason(int64_t run) const;
  // The identity in DIR/manifest.txt ("" when there is none yet: then no file is checked).
  const std::string& identity() const { return identity_; }

 private:
  std::string dir_;
  int64_t runs_;
  bool summary_only_;
  int width_;
  std::string identity_;
};

// Creates DIR (and runs/, failed/, logs/) and its manifest, or checks that DIR holds this very sweep:
// the same columns, seeds, effective base scenario and keep settings, and every run of its design.csv
// still in the design. Runs the design has gained are appended to design.csv (folder_design). Safe when
// several processes (Slurm array tasks) start at once. Returns the folder's design. Throws
// OutputCreateError when DIR holds another sweep, the sweep shrank or changed, or DIR cannot be made.
Design prepare_folder(const std::string& dir, const Plan& plan, const Design& canonical);
// The manifest's identity of a sweep (sha256): its design.csv columns, seed settings, effective base
// scenario and keep settings; not its rows, so that a sweep may grow.
std::string sweep_identity(const Plan& plan);
// The sha256 of a design.csv text.
std::string design_sha256(const std::string& design_csv_text);

// ---- running ----------------------------------------------------------------------------------------

struct RunOutcome {
  enum class Status { kDone, kFailed, kInterrupted } status = Status::kDone;
  double seconds = 0;
  std::string message;  // why it failed
};

// Everything one run needs besides its index.
struct RunContext {
  const Plan* plan = nullptr;
  const Design* design = nullptr;
  const Folder* folder = nullptr;
  std::string command_line;           // recorded in each result file
  const std::atomic<bool>* abandon = nullptr;  // set: running runs stop after their current step
  class Log* log = nullptr;
  int32_t checkpoint_every = 0;  // weeks between a run's checkpoints (0: none); a checkpoint found is resumed
};

// Runs one run (on the calling thread's task arena) and records it: the result file, or a failure record.
// An interrupted run leaves no file. Never throws for a run's own problems.
RunOutcome execute_run(const RunContext& context, int64_t run);

// A complete run's leftover checkpoint and journal (a process killed between the run's final rename and
// their removal) are removed, with a line in the log; they are never needed again. Called for each run
// found complete when a sweep starts.
void drop_leftover_checkpoint(const RunContext& context, int64_t run);

// The process's log, DIR/logs/<host>-<pid>.log: one line per start, finish, failure or interruption.
class Log {
 public:
  explicit Log(const std::string& dir);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  void write(const std::string& line);  // thread-safe; prefixed with the UTC time
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  Impl* impl_;
  std::string path_;
};

// Signals as the runners see them: the first asks to finish the running runs and start no more, the
// second to abandon the running runs after their current step.
struct StopFlags {
  std::atomic<bool> finish{false};
  std::atomic<bool> abandon{false};
};

struct LocalOptions {
  int threads = 1;     // cores to use in all
  int concurrent = 0;  // runs at once; 0: min(threads, runs to do)
  bool quiet = false;  // no progress lines
};

struct Tally {
  int64_t done = 0, failed = 0, interrupted = 0, skipped = 0;  // skipped: complete before this start
  double run_seconds = 0;   // the runs' own time, summed
  double wall_seconds = 0;  // the whole command
};

// Runs the runs listed (those not yet complete) on this machine: K = concurrent runs at once, each in a
// oneTBB task_arena of threads / K workers, handed out in index order from an atomic counter.
Tally run_local(const RunContext& context, const std::vector<int64_t>& share, const LocalOptions& options,
                const StopFlags& stop);

// ---- MPI (mpi_runner.cpp when built with COURTYARD_WITH_MPI, mpi_none.cpp otherwise) ----------------------

// Whether this process is one of several started by an MPI launcher: Open MPI's OMPI_COMM_WORLD_SIZE or
// PMI's PMI_SIZE above 1, or PMIx's PMIX_RANK set in a Slurm step of several tasks.
bool mpi_launched();
// Whether MPI support is built in (COURTYARD_WITH_MPI).
bool mpi_built();

// MPI_Init_thread (funneled) on construction, MPI_Finalize on destruction.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0's `status` on every rank (collective).
  int broadcast(int status) const;
  // Ends every rank at once with `code` (for errors that leave the others waiting).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1;
};

// Runs the runs not yet complete across the ranks: rank 0 (which has prepared the folder) finds them and
// hands their indices out on request, one at a time and in index order; every other rank runs what it is
// given in a task_arena of `threads` threads (0: $SLURM_CPUS_PER_TASK, else the node's cores divided among
// the node's working ranks, at most the cores this rank may use). On rank 0 the tally counts every rank's
// runs; elsewhere the rank's own.
Tally run_mpi(const MpiSession& mpi, const RunContext& context, int threads, const StopFlags& stop, bool quiet);

// ---- status and collection --------------------------------------------------------------------------

struct Status {
  std::vector<int64_t> done, failed, missing;
  std::vector<int64_t> bad;  // complete files of another run or sweep (Folder::bad_reason)
  std::vector<std::string> stale_temporaries;  // files left by killed processes
  // Missing runs that left a checkpoint (sweep run --checkpoint-every, then stopped or killed): the next
  // `sweep run` continues them from it if it is theirs (it checks; one of another run is refused there).
  struct Checkpointed {
    int64_t run = 0;
    int32_t step = -1, steps = 0;  // weeks done at the checkpoint, of weeks planned; step -1: unreadable
  };
  std::vector<Checkpointed> checkpointed;
};
Status sweep_status(const Folder& folder);

struct Collected {
  int64_t rows = 0, done = 0;
  std::vector<int64_t> bad;  // runs whose file is not theirs (RunState::kBad): refused, not collected
  std::vector<std::string> files;  // written, relative to DIR
};
// results.csv, sweep.h5 and salib/ (params.txt, X.txt, Y_<summary>.txt) in DIR.
Collected collect(const std::string& dir, const Plan& plan, const Design& design, const Folder& folder);

// Summary values of a run from its full result file (h5), in plan order. Throws IoError.
std::vector<double> summaries_from_run_file(const Plan& plan, const std::string& path);
// Summary values from a summary file (runs/run-NNNNN.summary.h5), in plan order. Throws IoError.
std::vector<double> summaries_from_summary_file(const Plan& plan, const std::string& path);
// The summaries of one run from its records: `steps` and, per metric, a series over them (the
// subdistrict's, or one courtyard kind's), in plan order; NaN for a summary whose metric is absent.
std::vector<double> evaluate_summaries(const Plan& plan, const std::vector<int32_t>& steps,
                                       const std::map<std::string, std::vector<double>>& series);

}  // namespace courtyard::sweep
