// Loading scenarios: parse (text format or JSON), apply --set overrides, fill defaults, validate,
// and build the frozen Model. Protobuf types stop here.
//
// Every problem is collected and reported together as FILE:LINE:COL: field.path: message
// (ScenarioError, exit 65). A value that came from --set is reported at "--set[i]:1:COL".
#pragma once

#include <string>
#include <vector>

#include "courtyard/v1/scenario.pb.h"
#include "core/errors.h"
#include "model/model.h"

namespace courtyard {

struct LoadedScenario {
  std::string path;              // as given ("<embedded:NAME>" for a built-in scenario)
  courtyard::v1::Scenario spec;  // effective: overrides applied, every default filled in
};

// Reads, parses, overrides and validates. Throws ScenarioError (all problems), IoError (unreadable),
// UsageError (malformed --set: not "path=value").
LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
// The same, from text already in memory (`name` is used in messages). `json` selects the JSON parser.
LoadedScenario load_scenario_text(const std::string& name, const std::string& text, bool json,
                                  const std::vector<std::string>& overrides = {});

// Applies one "field.path=value" override to a message (reflection; repeated elements as
// name[i]). Throws UsageError for a malformed override, ScenarioError for a bad path or value.
void apply_override(courtyard::v1::Scenario* spec, const std::string& assignment, int index);

// The effective scenario as protobuf text format (with the proto-file/proto-message header) or JSON.
std::string scenario_to_text(const courtyard::v1::Scenario& spec);
std::string scenario_to_json(const courtyard::v1::Scenario& spec);

// Builds the frozen model (draws generated courtyards with the run seed). The scenario is checked
// again (a hand-made LoadedScenario may be invalid): throws ScenarioError, without locations, if so.
Model build_model(const LoadedScenario& loaded);

// Scenarios compiled into the program (engine/scenario/CMakeLists.txt), by file stem; the first,
// scenarios/demo_district.txtpb, is the default of `courtyard run`.
struct EmbeddedScenario {
  std::string name;
  std::string text;
};
const std::vector<EmbeddedScenario>& embedded_scenarios();
const std::string& embedded_default_scenario();
// The text of the embedded scenario `name`; throws UsageError when there is none.
const std::string& embedded_scenario(const std::string& name);

// The components a package may hold, in the case's order (the fields of Package), and the names of the
// case's four steps, each standing for its components in a package's `without`.
const std::vector<std::string>& package_component_names();
const std::vector<std::string>& package_step_names();

}  // namespace courtyard
