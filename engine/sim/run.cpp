#include "sim/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/errors.h"
#include "model/state.h"
#include "sim/run_checkpoint.h"
#include "sim/metrics.h"

namespace courtyard {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

RunResult run_model(const Model& model, const RunOptions& options) {
  const auto t_start = std::chrono::steady_clock::now();
  RunResult result;
  Simulation sim(model);
  MetricRecorder recorder(model);
  result.columns = recorder.columns();
  const size_t nm = recorder.size();
  std::vector<float> values(nm * static_cast<size_t>(model.ncourtyard()));
  std::vector<double> subdistrict(nm);

  // household snapshots: the flats of model.output.household_snapshots, gathered at every record
  // into buffers allocated here (their stairwell and floor never change: taken once, after init)
  const bool writing = !options.output_path.empty();
  const std::vector<int64_t> snapshot = writing ? snapshot_households(model) : std::vector<int64_t>{};
  HouseholdLayout layout;
  std::vector<int8_t> tenure(snapshot.size()), paid(snapshot.size()), civic(snapshot.size());
  for (const int64_t h : snapshot) {
    layout.stairwell.push_back(static_cast<int16_t>(sim.state().stairwell[static_cast<size_t>(h)]));
    layout.floor.push_back(static_cast<int16_t>(sim.state().floor[static_cast<size_t>(h)]));
  }
  auto gather_snapshot = [&] {
    const State& s = sim.state();
    for (size_t i = 0; i < snapshot.size(); ++i) {
      const auto h = static_cast<size_t>(snapshot[i]);
      tenure[i] = static_cast<int8_t>(s.tenure[h]);
      paid[i] = s.tenure[h] != Tenure::kVacant && (s.flags[h] & kPaid) != 0 ? 1 : 0;
      civic[i] = s.tenure[h] != Tenure::kVacant ? static_cast<int8_t>(s.civic[h] & 0x7f) : int8_t{0};
    }
  };

  std::unique_ptr<RunFile> file;
  if (writing)
    file = std::make_unique<RunFile>(options.output_path, options.force, model, result.columns, options.info,
                                     layout, options.buffers);

  // the first non-finite value found: the run stops at that record
  std::string failure;
  auto check = [&] {
    const auto bad = recorder.first_non_finite(values, subdistrict);
    if (!bad) return;
    const std::string where =
        bad->courtyard < 0 ? std::string("the subdistrict aggregate")
                           : "courtyard " + std::to_string(bad->courtyard) + " (" +
                                 model.courtyards[static_cast<size_t>(bad->courtyard)].name + ")";
    failure = "metric " + result.columns[bad->column].name + " went non-finite (" +
              (std::isnan(bad->value) ? std::string("nan") : bad->value > 0 ? "inf" : "-inf") + ") in " + where +
              " at step " + std::to_string(sim.state().step);
  };

  if (file && !options.history.empty()) file->append_history(options.history);

  // checkpoints: a resume restores the state and replays what was recorded up to the checkpoint
  const bool checkpoints = options.checkpoint_every > 0 || options.resume;
  std::unique_ptr<RunCheckpointer> checkpointer;
  if (checkpoints) {
    RunCheckpointer::Replay replay;
    replay.record = [&](const RunCheckpointer::Record& r) {
      if (options.on_record) options.on_record(r.step, r.values, r.subdistrict);
      if (file) file->append_record(r.step, r.values, r.subdistrict, HouseholdSnapshot{r.tenure, r.paid, r.civic});
      if (result.first_subdistrict.empty()) result.first_subdistrict.assign(r.subdistrict.begin(), r.subdistrict.end());
      subdistrict.assign(r.subdistrict.begin(), r.subdistrict.end());
    };
    replay.events = [&](std::span<const Event> events) {
      if (file) file->append_events(events);
      if (options.events) options.events->insert(options.events->end(), events.begin(), events.end());
      result.events += static_cast<int64_t>(events.size());
    };
    if (file) file->drain();  // a fence: reading a checkpoint uses HDF5 on this thread
    checkpointer = std::make_unique<RunCheckpointer>(model, options, writing, sim, values.size(), nm,
                                                     snapshot.size(), replay);
    result.resumed_from = result.last_checkpoint = checkpointer->resumed_from();
  }

  // `journal`: false for the extra record of a stopped run (a resume continues without it)
  auto record = [&](bool journal = true) {
    auto t0 = std::chrono::steady_clock::now();
    recorder.compute(sim.state(), values, subdistrict);
    if (options.tamper) options.tamper(sim.state().step, values, subdistrict);
    check();
    if (options.on_record) options.on_record(sim.state().step, values, subdistrict);
    sim.reset_interval_counters();
    result.record_seconds += since(t0);
    t0 = std::chrono::steady_clock::now();
    if (file) {
      gather_snapshot();
      file->append_record(sim.state().step, values, subdistrict, HouseholdSnapshot{tenure, paid, civic});
    }
    if (checkpointer && journal)
      checkpointer->record(sim.state().step, values, subdistrict, tenure, paid, civic);  // empty without a file
    result.write_seconds += since(t0);
  };

  if (!checkpointer || checkpointer->resumed_from() < 0) {
    record();  // the initial state, step 0
    result.first_subdistrict = subdistrict;
  }
  const int32_t k = model.output.record_every;
  bool recorded_last = sim.state().step % k == 0;
  while (failure.empty() && sim.state().step < model.steps) {
    if (options.stop && options.stop->load()) break;
    sim.step();
    const auto t0 = std::chrono::steady_clock::now();
    if (file) file->append_events(sim.step_events());
    if (options.events) options.events->insert(options.events->end(), sim.step_events().begin(), sim.step_events().end());
    if (checkpointer) checkpointer->events(sim.step_events());
    result.write_seconds += since(t0);
    result.events += static_cast<int64_t>(sim.step_events().size());
    recorded_last = sim.state().step % k == 0;
    if (recorded_last) record();
    if (options.on_step) {
      const double secs = since(t_start);
      const double hh_steps = static_cast<double>(model.nhousehold()) * sim.state().step;
      options.on_step(RunProgress{sim.state().step, model.steps, secs, secs > 0 ? hh_steps / secs : 0});
    }
    if (checkpointer && failure.empty() && checkpointer->due(sim.state().step)) {
      const auto t1 = std::chrono::steady_clock::now();
      if (file) file->drain();  // a fence: the writer thread is through with HDF5 before the checkpoint uses it
      checkpointer->save(sim);
      result.last_checkpoint = sim.state().step;
      result.write_seconds += since(t1);
    }
  }
  const bool stopped = sim.state().step < model.steps;
  if (checkpointer && stopped && failure.empty() && checkpointer->last_saved() != sim.state().step) {
    if (file) file->drain();  // the fence above
    checkpointer->save(sim);  // a stop loses nothing: before the extra record below changes the state
    result.last_checkpoint = sim.state().step;
  }
  if (!recorded_last && failure.empty()) record(!stopped);  // the final state is always recorded

  result.steps_done = sim.state().step;
  result.complete = result.steps_done == model.steps;
  result.last_subdistrict = subdistrict;
  result.phase_seconds = sim.phase_seconds();
  result.interventions_serial_seconds = sim.interventions_serial_seconds();
  // the steps this process simulated (a resume continues from its checkpoint's week)
  result.household_steps = model.nhousehold() * static_cast<int64_t>(result.steps_done - std::max(0, result.resumed_from));
  result.budget_left = sim.budget_left();
  if (!failure.empty()) {
    result.complete = false;
    if (file) {
      file->finish_failed(result.steps_done, failure);
      result.write_background_seconds = file->background_seconds();
      throw NonFiniteError(failure + "; " + file->path() + " keeps the records up to it, marked failed");
    }
    throw NonFiniteError(failure);
  }
  if (file) {
    const auto t0 = std::chrono::steady_clock::now();
    file->finish(result.complete, result.steps_done);
    result.write_seconds += since(t0);
    result.write_background_seconds = file->background_seconds();
    result.path = file->path();
  }
  if (checkpointer && result.complete) checkpointer->remove_files();  // the result is in place
  result.seconds = since(t_start);
  return result;
}

}  // namespace courtyard
