// Helpers shared by the scenario tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/errors.h"
#include "scenario/scenario.h"

namespace courtyard::testing {

inline std::string test_dir() { return COURTYARD_SCENARIO_TEST_DIR; }
inline std::string scenarios_dir() { return COURTYARD_SCENARIOS_DIR; }

// Every problem the loader reports for `text` (empty when it loads).
inline std::vector<Diagnostic> problems_of(const std::string& text, const std::vector<std::string>& overrides = {},
                                           bool json = false, const std::string& name = "t.txtpb") {
  try {
    load_scenario_text(name, text, json, overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

// The one diagnostic about `field`, or a failed expectation.
inline const Diagnostic* find_field(const std::vector<Diagnostic>& ds, const std::string& field) {
  for (const auto& d : ds)
    if (d.field == field) return &d;
  return nullptr;
}

inline std::string joined(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.format() + "\n";
  return out;
}

// A small valid scenario to modify with overrides.
inline const char* kMinimal = R"(
run { seed: 7 steps: 10 }
courtyards { name: "A" households: 20 stairwells: 2 }
)";

}  // namespace courtyard::testing
