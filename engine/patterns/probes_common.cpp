// What the probes share: simulating one courtyard's trajectory through the public API.
#include <numeric>
#include <stdexcept>

#include "model/metric_table.h"
#include "patterns/patterns.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard::patterns {

const std::vector<double>& Trajectory::series(const std::string& name) const {
  for (size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return values[k];
  throw std::runtime_error("metric " + name + " was not recorded");
}

double Trajectory::mean(const std::string& name, int first, int last) const {
  const auto& s = series(name);
  double sum = 0;
  for (int w = first; w <= last; ++w) sum += s.at(static_cast<size_t>(w));
  return sum / (last - first + 1);
}

Measurement t_measure(std::vector<double> values, const std::string& method, const std::string& note) {
  Measurement m;
  m.ci = t_interval(values);
  m.values = std::move(values);
  m.method = method;
  m.note = note;
  return m;
}

Trajectory simulate(const Model& m, int32_t c, const std::vector<std::string>& metrics, const StepHooks& hooks) {
  std::vector<int> ids;
  for (const auto& name : metrics) {
    const int id = find_metric(name);
    if (id < 0) throw std::runtime_error("the model has no metric named " + name);
    ids.push_back(id);
  }
  Simulation sim(m);
  Trajectory t{metrics, std::vector<std::vector<double>>(metrics.size()), {}};
  auto record = [&] {
    for (size_t k = 0; k < ids.size(); ++k) t.values[k].push_back(metric_value(ids[k], m, sim.state(), c));
    sim.reset_interval_counters();
  };
  record();
  while (sim.state().step < m.steps) {
    if (hooks.before) hooks.before(sim);
    sim.step();
    if (hooks.after) hooks.after(sim);
    for (const Event& e : sim.step_events()) t.events.push_back(e);
    record();
  }
  return t;
}

Model model_from_text(const std::string& name, const std::string& text, const std::vector<std::string>& overrides) {
  return build_model(load_scenario_text(name, text, false, overrides));
}

const std::string& scenario_text(const std::string& name) { return embedded_scenario(name); }

std::string seed_override(int seed) { return "run.seed=" + std::to_string(seed); }

}  // namespace courtyard::patterns
