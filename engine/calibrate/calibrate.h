// Calibration: fitting chosen scenario parameters to observed targets by sequential Monte Carlo ABC
// (ABC-SMC, population Monte Carlo: Toni et al. 2009, Beaumont et al. 2009). docs/calibration.md is the
// user's guide; this header is the engine's side.
//
//   load_calibration   calibration file (proto/courtyard/v1/calibrate.proto) + targets CSV -> Setup;
//                      problems as FILE:LINE:COL (ScenarioError, exit 65)
//   run_calibration    the generations, in an output folder that a restart resumes
//   simulate_targets   one run of the base scenario with a particle's values: the targets' values
//
// Determinism: every proposal, perturbation and run seed is a Philox draw keyed by the calibration's
// seed and countered by (generation, proposal, purpose); a generation's results are read back from
// the CSV files it wrote (numbers written in the shortest form that reads back exactly), and decisions
// are taken in proposal order after the whole batch has run. The posterior's bytes therefore do not
// depend on the number of threads, on how often the calibration was stopped and restarted, nor on
// which Slurm task ran which run.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.h"

namespace courtyard::calibrate {

// The calibration cannot go on: too few usable runs of the prior, no perturbed particle inside the
// prior's bounds, every weight zero (the command exits 1 with the message).
class CalibrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Parameter {
  std::string path;  // scenario field, as in --set
  std::string name;  // column name
  double min = 0, max = 0;  // uniform prior
};

// One observed number: a metric, at a place, after a number of weeks.
struct Target {
  std::string metric;
  int metric_id = -1;          // into all_metrics()
  enum class Where { kSubdistrict, kCourtyard, kKind } where = Where::kSubdistrict;
  std::string place;           // courtyard or kind name ("" for the subdistrict)
  std::string where_text;      // as written ("subdistrict", "courtyard:NAME", "kind:NAME")
  std::string when_text;       // as written ("month 24", "week 104", "end")
  int32_t step = 0;            // the record it is read at
  double observed = 0;
  double tolerance = 1;        // > 0: the scale of the distance
  std::string name;            // column name: target_<row>_<metric>
};

struct Setup {
  std::string name;
  std::string spec_path, spec_text;        // the calibration file as given
  std::string targets_path, targets_text;  // the targets file
  std::string scenario_path, scenario_text;
  bool scenario_json = false;
  std::string effective_scenario;  // the base with defaults filled in
  std::vector<Parameter> parameters;
  std::vector<Target> targets;
  int32_t population = 100;
  int32_t generations = 5;
  uint64_t seed = 1;
  double quantile = 0.5;
  double min_tolerance = 1.0;
  int32_t max_batches = 20;
  int32_t predictive_samples = 100;
};

// Reads and checks a calibration file, its base scenario and its targets. Every problem is reported
// together as FILE:LINE:COL: field: message (the targets' problems at their row and column of the CSV).
// Throws ScenarioError (exit 65), or IoError when the calibration file cannot be read.
Setup load_calibration(const std::string& path);

// ---- one run -------------------------------------------------------------------------------------

// The overrides that make a run's scenario: PATH=VALUE per parameter, then run.seed=SEED.
std::vector<std::string> particle_overrides(const Setup& setup, const std::vector<double>& values, uint64_t seed);

// Runs the base scenario with the particle's values and seed, recording as `courtyard run` records
// (step 0, every record_every-th step, the last), and returns each target's value at its step.
// Throws ScenarioError when the values make the scenario invalid, std::runtime_error for other problems.
std::vector<double> simulate_targets(const Setup& setup, const std::vector<double>& values, uint64_t seed,
                                     const std::atomic<bool>* stop = nullptr);

// The distance of simulated values from the targets: max over targets of |sim - observed| / tolerance
// (+inf when a value is not a number). At most 1: every target within its tolerance.
double distance(const Setup& setup, const std::vector<double>& simulated);

// ---- the calibration -----------------------------------------------------------------------------

struct Options {
  int threads = 1;        // in all
  int concurrent = 0;     // runs at once (0: threads)
  int64_t task = 0, tasks = 1;  // run only runs whose index % tasks == task (Slurm array tasks)
  bool quiet = false;
  const std::atomic<bool>* stop = nullptr;  // set: start no more runs and return
};

struct Outcome {
  bool finished = false;     // the posterior and the predictive are written
  int32_t generations = 0;   // generations completed
  double tolerance = 0;      // of the last completed generation
  int64_t runs_done = 0;     // runs done by this call
  std::string stop_reason;   // why the calibration ended where it did
};

// Runs the calibration into `dir`, resuming what a previous call left there: finished batches are not
// rerun, finished generations are read back. Throws OutputCreateError when `dir` holds another
// calibration. With tasks > 1 a call runs its share of the current batch and returns (finished false)
// when the other tasks' runs are not yet done; calling again advances.
Outcome run_calibration(const Setup& setup, const std::string& dir, const Options& options);

// ---- numerics (calibrate/numerics.cpp; tested on their own) ----------------------------------------

// Weighted quantile q in [0,1] of values: the smallest value whose cumulative weight (in value order)
// reaches q of the total.
double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q);
// Weighted mean and covariance (row-major d x d) of particles (n rows of d values).
void weighted_moments(const std::vector<std::vector<double>>& x, const std::vector<double>& w, std::vector<double>* mean,
                      std::vector<double>* cov);
// Lower Cholesky factor of a symmetric positive definite d x d matrix (row-major); a tiny ridge is added
// to the diagonal when the matrix is singular. Throws std::runtime_error if it still is not.
std::vector<double> cholesky(std::vector<double> a, int d);
// exp(-0.5 |L^-1 (x - y)|^2): an unnormalised Gaussian kernel with covariance L L^T.
double gaussian_kernel(const std::vector<double>& lower, const std::vector<double>& x, const std::vector<double>& y);

// Numbers as the output files write them: the shortest text that reads back as the same double.
std::string number_text(double x);

}  // namespace courtyard::calibrate
