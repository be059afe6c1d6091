// Fuzz target: a scenario in protobuf text format, loaded as `courtyard validate` loads it (parse, limits,
// defaults, validation), then written back as text and JSON.
#include "fuzz_common.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return courtyard::fuzz::guarded([&] {
    const courtyard::LoadedScenario loaded = courtyard::load_scenario_text("fuzz.txtpb", text, false);
    (void)courtyard::scenario_to_text(loaded.spec);
    (void)courtyard::scenario_to_json(loaded.spec);
  });
}
