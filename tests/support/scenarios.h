// Test support: models built through the real loader (defaults live in one place: the .proto),
// and a recorder of one courtyard's metric trajectory.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/model.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard::testing {

// A path inside the source tree (ctest sets COURTYARD_SOURCE_DIR).
inline std::string source_path(const std::string& relative) {
  const char* root = std::getenv("COURTYARD_SOURCE_DIR");
  return std::string(root ? root : ".") + "/" + relative;
}

inline Model model_from_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return build_model(load_scenario_text("<test>", text, false, overrides));
}

inline Model model_from_file(const std::string& relative, const std::vector<std::string>& overrides = {}) {
  return build_model(load_scenario(source_path(relative), overrides));
}

// One explicitly described courtyard; the fields not given take the schema's defaults.
inline std::string one_courtyard(const std::string& courtyard_fields, int steps = 104,
                                 const std::string& extra = "") {
  return "run { steps: " + std::to_string(steps) + " }\ncourtyards { name: \"c\" " + courtyard_fields + " }\n" + extra;
}

// Metric values of courtyard c at each record (every step), for the named metrics.
struct Trajectory {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // [metric][step 0..steps]
  double at(const std::string& name, size_t step) const {
    for (size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return values[k][step];
    return 0.0 / 0.0;
  }
  double first(const std::string& name) const { return at(name, 0); }
  double last(const std::string& name) const { return at(name, values[0].size() - 1); }
  // sum over all records but the first (for per-interval counters such as move_outs)
  double total(const std::string& name) const {
    double sum = 0;
    for (size_t s = 1; s < values[0].size(); ++s) sum += at(name, s);
    return sum;
  }
};

inline Trajectory simulate(const Model& m, int32_t c, const std::vector<std::string>& names) {
  Simulation sim(m);
  Trajectory t{names, std::vector<std::vector<double>>(names.size())};
  auto record = [&] {
    for (size_t k = 0; k < names.size(); ++k) t.values[k].push_back(metric_value(find_metric(names[k]), m, sim.state(), c));
    sim.reset_interval_counters();
  };
  record();
  while (sim.state().step < m.steps) {
    sim.step();
    record();
  }
  return t;
}

}  // namespace courtyard::testing
