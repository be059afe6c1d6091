// A whole run: the model stepped to the end, metrics recorded every k steps, events and time series
// written to the HDF5 result file. Interruptible between steps.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "model/model.h"
#include "output/run_file.h"
#include "sim/simulation.h"

namespace courtyard {

struct RunProgress {
  int32_t step = 0;   // steps done
  int32_t steps = 0;  // steps planned
  double seconds = 0;
  double household_steps_per_second = 0;
};

struct RunOptions {
  std::string output_path;  // empty: no file (metrics are still computed)
  bool force = false;
  RunFileInfo info;
  std::function<void(const RunProgress&)> on_step;  // called after every step
  const std::atomic<bool>* stop = nullptr;          // set (by a signal handler) to stop after a step
  // called at each record with its step, the courtyard values (nmetric x ncourtyard, metric-major, in
  // the order of RunResult::columns) and the subdistrict values (nmetric)
  std::function<void(int32_t step, std::span<const float>, std::span<const double>)> on_record;
  std::vector<Event>* events = nullptr;  // when set, every event is appended here too
  // test only: may change a record's values after they are computed and before they are checked, so
  // that a test can force a non-finite value (valid parameters cannot make one)
  std::function<void(int32_t step, std::span<float>, std::span<double>)> tamper;
};

struct RunResult {
  int32_t steps_done = 0;
  bool complete = false;
  double seconds = 0;  // stepping, recording and writing
  int64_t household_steps = 0;
  std::array<double, static_cast<int>(Phase::kCount)> phase_seconds{};
  double record_seconds = 0;  // computing metrics
  double write_seconds = 0;   // HDF5 output
  std::vector<MetricColumn> columns;
  std::vector<double> first_subdistrict, last_subdistrict;  // (ncolumn) at step 0 and at the end
  int64_t events = 0;
  double budget_left = 0;
  std::string path;
};

// Every record is checked for non-finite values (MetricRecorder::first_non_finite): at the first, the
// record is written as computed, the file is closed marked failed (status "failed", failure = the
// message) and NonFiniteError is thrown naming the metric, the courtyard and the step.
RunResult run_model(const Model& model, const RunOptions& options);

}  // namespace courtyard
