// The invalid-scenario corpus through the library: every file is rejected with each expected
// FILE:LINE:COL: field (check_invalid.py checks the same through the command line).
#include <filesystem>
#include <fstream>
#include <set>

#include "test_util.h"

namespace courtyard {
namespace {

namespace fs = std::filesystem;

// "# expect: LINE:COL: field" lines at the top of the file, or in FILE.expect for JSON.
std::vector<std::string> expectations(const fs::path& file) {
  fs::path source = file;
  if (fs::exists(file.string() + ".expect")) source = file.string() + ".expect";
  std::ifstream in(source);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# expect: ", 0) == 0) out.push_back(line.substr(10));
    else if (line.rfind("#", 0) != 0) break;
  }
  return out;
}

std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(testing::test_dir() + "/invalid"))
    if (e.path().extension() == ".txtpb" || e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(InvalidCorpus, LargeAndVaried) {
  const auto files = corpus();
  EXPECT_GE(files.size(), 20u);
  std::set<std::string> fields;
  for (const auto& f : files) {
    const auto ex = expectations(f);
    EXPECT_FALSE(ex.empty()) << f << " has no # expect: line";
  }
}

TEST(InvalidCorpus, EveryFileRejectedWithExpectedLocations) {
  for (const auto& f : corpus()) {
    SCOPED_TRACE(f.filename().string());
    std::string report;
    try {
      load_scenario(f.string());
      ADD_FAILURE() << "loaded without error";
      continue;
    } catch (const ScenarioError& e) {
      report = e.what();
    }
    for (const auto& ex : expectations(f)) {
      const std::string needle = f.string() + ":" + ex;
      EXPECT_NE(report.find(needle), std::string::npos) << "missing \"" << needle << "\" in:\n" << report;
    }
  }
}

TEST(InvalidCorpus, SetErrorsLocatedAtTheOverride) {
  const std::string base = testing::test_dir() + "/valid/minimal.txtpb";
  EXPECT_NO_THROW(load_scenario(base));
  struct Case {
    std::string set, needle;
  };
  for (const Case& c : {Case{"courtyards[5].households=3", "--set[0]:1:12: courtyards[5]"},
                        Case{"run.steps=abc", "--set[0]:1:11: run.steps"},
                        Case{"courtyards[0].households=0", "--set[0]:1:26: courtyards[0].households"}}) {
    try {
      load_scenario(base, {c.set});
      ADD_FAILURE() << c.set << " accepted";
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(load_scenario(base, {"foo"}), UsageError);
}

}  // namespace
}  // namespace courtyard
