// Fuzz target: `--set` overrides. Each line of the input is one `--set PATH=VALUE`, applied to the
// smallest scenario (tests/scenario/valid/minimal.txtpb), which is then validated, as `courtyard validate
// minimal.txtpb --set ... --set ...` does.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fuzz_common.h"
#include "scenario/scenario.h"

namespace {

const std::string& base_text() {
  static const std::string text = [] {
    // the file as text, read once (std::ifstream would add nothing to what the target exercises)
    std::string out;
    if (FILE* f = std::fopen(courtyard::fuzz::source_path("tests/scenario/valid/minimal.txtpb").c_str(), "rb")) {
      char buffer[4096];
      for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) out.append(buffer, n);
      std::fclose(f);
    }
    if (out.empty()) std::abort();  // the source tree moved: nothing would be fuzzed
    return out;
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  size_t start = 0;
  while (start <= input.size() && overrides.size() < 64) {
    size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    overrides.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  return courtyard::fuzz::guarded([&] {
    const courtyard::LoadedScenario loaded =
        courtyard::load_scenario_text("minimal.txtpb", base_text(), false, overrides);
    (void)courtyard::scenario_to_text(loaded.spec);
  });
}
