// What the files of engine/calibrate share (internal): the draws, a population, a batch of runs.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "calibrate/calibrate.h"

namespace courtyard::calibrate {

// Uniform words from Philox4x32-10 keyed by the calibration's seed and countered by (a, b, purpose, block):
// a draw depends on what it is for, never on the order in which runs finish.
class Draws {
 public:
  enum Purpose : uint32_t { kPropose = 1, kRunSeed = 2, kPredictivePick = 3, kPredictiveSeed = 4 };
  Draws(uint64_t seed, uint32_t a, uint32_t b, Purpose purpose)
      : key_{{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}}, ctr_{{a, b, purpose, 0}} {}
  uint32_t next_u32() {
    if (used_ == 4) {
      block_ = r123::Philox4x32()(ctr_, key_);
      ++ctr_.v[3];
      used_ = 0;
    }
    return block_.v[used_++];
  }
  double uniform() { return next_u32() * 0x1p-32; }                                   // [0,1)
  double uniform_pos() { return (static_cast<double>(next_u32()) + 1.0) * 0x1p-32; }  // (0,1]
  double normal() {  // Box-Muller, one value per call (no cached spare: simpler to reason about)
    const double r = std::sqrt(-2.0 * std::log(uniform_pos()));
    return r * std::cos(2.0 * M_PI * uniform());
  }
  // 53 bits, exact as a double in any analysis tool (as the sweeps' run seeds)
  uint64_t seed53() {
    const uint64_t hi = next_u32(), lo = next_u32();
    return ((hi << 32) | lo) >> 11;
  }

 private:
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

// Particles with their weights, distances and simulated target values.
struct Population {
  std::vector<std::vector<double>> theta;  // (n x parameters)
  std::vector<std::vector<double>> sims;   // (n x targets)
  std::vector<double> weight, dist;
  std::vector<uint64_t> seed;
  std::vector<int32_t> batch, run;
  size_t size() const { return theta.size(); }
};

// population.csv: particle,weight,distance,seed,batch,run,<parameters>,<targets>
std::string population_csv(const Setup& setup, const Population& p);
// Reads population.csv back (exactly: numbers are written in round-trip form). Throws IoError.
Population read_population(const Setup& setup, const std::string& path);

// A batch of runs in a folder of its own: design.csv (run,seed,<parameters>), runs/run-NNNNN.csv.
struct Batch {
  std::string dir;
  std::vector<std::vector<double>> theta;
  std::vector<uint64_t> seeds;
};
struct RunResult {
  bool present = false;  // the run's file exists
  bool ok = false;       // ran; false: failed (values NaN)
  std::vector<double> values;
  std::string message;
};

// Writes the batch's design (identical bytes from every process) and runs the runs of this task's share
// that have no file yet. Returns the number of runs done now. Throws OutputCreateError.
int64_t run_batch(const Setup& setup, const Batch& batch, const Options& options);
// Every run's result as its file says (present false: not run yet).
std::vector<RunResult> read_batch(const Setup& setup, const Batch& batch);

// posterior_summary.csv, predictive.csv and predictive_summary.csv (report.cpp); returns the summary
// table as text for the terminal.
std::string write_posterior_summary(const Setup& setup, const Population& posterior, const std::string& dir);
std::string write_predictive(const Setup& setup, const Population& posterior, const Batch& batch,
                             const std::vector<size_t>& picked, const std::vector<RunResult>& results,
                             const std::string& dir);

// Helpers shared by the files.
void write_atomically(const std::string& path, const std::string& text);  // temp + rename; OutputCreateError
std::string csv_header(const Setup& setup, const std::string& first_columns, bool parameters, bool targets);

}  // namespace courtyard::calibrate
