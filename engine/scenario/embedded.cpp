// Access to the scenarios compiled into the program (the table itself is generated at build time).
#include "core/errors.h"
#include "scenario/scenario.h"

namespace courtyard {

const std::string& embedded_default_scenario() { return embedded_scenarios().front().text; }

const std::string& embedded_scenario(const std::string& name) {
  for (const auto& s : embedded_scenarios())
    if (s.name == name) return s.text;
  std::string known;
  for (const auto& s : embedded_scenarios()) known += (known.empty() ? "" : ", ") + s.name;
  throw UsageError("no built-in scenario is named \"" + name + "\" (built in: " + known + ")");
}

}  // namespace courtyard
