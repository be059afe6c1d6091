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
  // Checkpoints (docs/output-format.md, "Checkpoints"): every `checkpoint_every` weeks the state goes
  // to checkpoint_path(base) and every record and event to journal_path(base) (sim/checkpoint.h), base
  // being checkpoint_base or else output_path; a stop (options.stop) saves one at the week it stops.
  // Both files are removed when the run completes.
  int32_t checkpoint_every = 0;  // 0: none (a resume keeps the checkpoint's interval)
  std::string checkpoint_base;
  bool resume = false;  // continue from the checkpoint at base (the model must be the checkpoint's)
  std::string history;  // lines added to the file's history attribute, and kept by the checkpoints
  RunFileBuffers buffers;  // how the result file's writer buffers records (memory against overlap)
};

struct RunResult {
  int32_t steps_done = 0;
  bool complete = false;
  double seconds = 0;  // stepping, recording and writing
  int64_t household_steps = 0;
  std::array<double, static_cast<int>(Phase::kCount)> phase_seconds{};
  double interventions_serial_seconds = 0;  // of phase_seconds' interventions, outside its parallel passes
  double record_seconds = 0;  // computing metrics
  // output on the run's own thread: handing records and events to the result file's writer (and
  // waiting for it when its buffers are full, at a checkpoint and at the end), the checkpoints
  double write_seconds = 0;
  double write_background_seconds = 0;  // the result file's writer thread: compressing and writing, beside the run
  std::vector<MetricColumn> columns;
  std::vector<double> first_subdistrict, last_subdistrict;  // (ncolumn) at step 0 and at the end
  int64_t events = 0;
  double budget_left = 0;
  std::string path;
  int32_t resumed_from = -1;     // the week a resume continued from; -1 a fresh run
  int32_t last_checkpoint = -1;  // the week of the last checkpoint saved or resumed from; -1 none
};

// Every record is checked for non-finite values (MetricRecorder::first_non_finite): at the first, the
// record is written as computed, the file is closed marked failed (status "failed", failure = the
// message) and NonFiniteError is thrown naming the metric, the courtyard and the step.
RunResult run_model(const Model& model, const RunOptions& options);

}  // namespace courtyard
