// One run of a calibration: the base scenario with a particle's values and seed, and the targets' values.
//
// A run is exactly `courtyard run BASE --set PATH=VALUE ... --set run.seed=SEED` without the file: the
// same loader on the same text, records at the same steps (step 0, every record_every-th, the last)
// with the interval counters reset at each, so a target equals what the run file would show. Values
// are aggregated from each courtyard's num/den as the subdistrict series are (sum(num)/sum(den), or
// sum(num) for counts and money), over the subdistrict, one courtyard, or the courtyards of one kind.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "calibrate/calibrate.h"
#include "model/metric_table.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard::calibrate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The courtyards a target reads, in id order.
std::vector<int32_t> courtyards_of(const Target& t, const Model& model) {
  std::vector<int32_t> out;
  for (int32_t c = 0; c < model.ncourtyard(); ++c) {
    const CourtyardSpec& cs = model.courtyards[static_cast<size_t>(c)];
    switch (t.where) {
      case Target::Where::kSubdistrict: out.push_back(c); break;
      case Target::Where::kCourtyard:
        if (cs.name == t.place) out.push_back(c);
        break;
      case Target::Where::kKind:
        if (cs.kind >= 0 && model.kind_names[static_cast<size_t>(cs.kind)] == t.place) out.push_back(c);
        break;
    }
  }
  return out;
}

double target_value(const Target& t, const Model& model, const State& state, const std::vector<int32_t>& courtyards) {
  double num = 0, den = 0;
  for (int32_t c : courtyards) {
    double n = 0, d = 0;
    metric_terms(t.metric_id, model, state, c, &n, &d);
    num += n;
    den += d;
  }
  if (all_metrics()[static_cast<size_t>(t.metric_id)].aggregate == Aggregate::kSum) return num;
  return den > 0 ? num / den : kNaN;
}

}  // namespace

std::vector<std::string> particle_overrides(const Setup& setup, const std::vector<double>& values, uint64_t seed) {
  std::vector<std::string> out;
  for (size_t i = 0; i < setup.parameters.size(); ++i) out.push_back(setup.parameters[i].path + "=" + number_text(values[i]));
  out.push_back("run.seed=" + std::to_string(seed));
  return out;
}

std::vector<double> simulate_targets(const Setup& setup, const std::vector<double>& values, uint64_t seed,
                                     const std::atomic<bool>* stop) {
  const LoadedScenario loaded = load_scenario_text(setup.scenario_path, setup.scenario_text, setup.scenario_json,
                                                   particle_overrides(setup, values, seed));
  const Model model = build_model(loaded);
  std::vector<std::vector<int32_t>> where;
  for (const Target& t : setup.targets) {
    if (t.step > model.steps) throw std::runtime_error(t.name + ": week " + std::to_string(t.step) + " is past the run's end");
    where.push_back(courtyards_of(t, model));
    if (where.back().empty()) throw std::runtime_error(t.name + ": no courtyard is " + t.where_text);
  }
  std::vector<double> out(setup.targets.size(), kNaN);
  Simulation sim(model);
  auto record = [&] {
    const int32_t step = sim.state().step;
    for (size_t i = 0; i < setup.targets.size(); ++i)
      if (setup.targets[i].step == step) out[i] = target_value(setup.targets[i], model, sim.state(), where[i]);
    sim.reset_interval_counters();
  };
  record();
  const int32_t k = model.output.record_every;
  bool recorded_last = true;
  while (sim.state().step < model.steps) {
    if (stop && stop->load()) throw std::runtime_error("stopped");
    sim.step();
    recorded_last = sim.state().step % k == 0;
    if (recorded_last) record();
  }
  if (!recorded_last) record();
  return out;
}

double distance(const Setup& setup, const std::vector<double>& simulated) {
  double d = 0;
  for (size_t i = 0; i < setup.targets.size(); ++i) {
    if (i >= simulated.size() || !std::isfinite(simulated[i])) return std::numeric_limits<double>::infinity();
    d = std::max(d, std::fabs(simulated[i] - setup.targets[i].observed) / setup.targets[i].tolerance);
  }
  return d;
}

}  // namespace courtyard::calibrate
