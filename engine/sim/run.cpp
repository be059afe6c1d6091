#include "sim/run.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/state.h"
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
                                     layout);

  auto record = [&] {
    auto t0 = std::chrono::steady_clock::now();
    recorder.compute(sim.state(), values, subdistrict);
    if (options.on_record) options.on_record(sim.state().step, values, subdistrict);
    sim.reset_interval_counters();
    result.record_seconds += since(t0);
    t0 = std::chrono::steady_clock::now();
    if (file) {
      gather_snapshot();
      file->append_record(sim.state().step, values, subdistrict, HouseholdSnapshot{tenure, paid, civic});
    }
    result.write_seconds += since(t0);
  };

  record();  // the initial state, step 0
  result.first_subdistrict = subdistrict;
  const int32_t k = model.output.record_every;
  bool recorded_last = true;
  while (sim.state().step < model.steps) {
    if (options.stop && options.stop->load()) break;
    sim.step();
    const auto t0 = std::chrono::steady_clock::now();
    if (file) file->append_events(sim.step_events());
    if (options.events) options.events->insert(options.events->end(), sim.step_events().begin(), sim.step_events().end());
    result.write_seconds += since(t0);
    result.events += static_cast<int64_t>(sim.step_events().size());
    recorded_last = sim.state().step % k == 0;
    if (recorded_last) record();
    if (options.on_step) {
      const double secs = since(t_start);
      const double hh_steps = static_cast<double>(model.nhousehold()) * sim.state().step;
      options.on_step(RunProgress{sim.state().step, model.steps, secs, secs > 0 ? hh_steps / secs : 0});
    }
  }
  if (!recorded_last) record();  // the final state is always recorded

  result.steps_done = sim.state().step;
  result.complete = result.steps_done == model.steps;
  result.last_subdistrict = subdistrict;
  result.phase_seconds = sim.phase_seconds();
  result.household_steps = model.nhousehold() * static_cast<int64_t>(result.steps_done);
  result.budget_left = sim.budget_left();
  if (file) {
    const auto t0 = std::chrono::steady_clock::now();
    file->finish(result.complete, result.steps_done);
    result.write_seconds += since(t0);
    result.path = file->path();
  }
  result.seconds = since(t_start);
  return result;
}

}  // namespace courtyard
