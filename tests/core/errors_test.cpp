// Diagnostics: long names and tokens echoed in a message are cut (issue 13: a 1 MB name was echoed whole).
#include <gtest/gtest.h>

#include "core/errors.h"

namespace courtyard {
namespace {

std::string message_of(const std::string& message) {
  Diagnostic d;
  d.file = "f";
  d.message = message;
  return ScenarioError({d}).diagnostics()[0].message;
}

TEST(Errors, LongQuotedNameCutTo80Characters) {
  const std::string name(1000000, 'n');
  EXPECT_EQ(message_of("unknown community \"" + name + "\" (communities: \"a\")"),
            "unknown community \"" + std::string(80, 'n') + "…\" (communities: \"a\")");
  // with spaces inside, still one name
  std::string spaced;
  for (int i = 0; i < 100; ++i) spaced += "word ";
  EXPECT_EQ(message_of("duplicate name \"" + spaced + "\""), "duplicate name \"" + spaced.substr(0, 80) + "…\"");
  // characters, not bytes
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "牛";
  std::string kept;
  for (int i = 0; i < 80; ++i) kept += "牛";
  EXPECT_EQ(message_of("\"" + chinese + "\""), "\"" + kept + "…\"");
}

TEST(Errors, ShortTextAndPathsKept) {
  EXPECT_EQ(message_of("must be in [0, 1], got 1.4"), "must be in [0, 1], got 1.4");
  const std::string path = "/a/" + std::string(300, 'p') + "/scenario.txtpb:7:24: courtyards[0].households";
  EXPECT_EQ(message_of(path), path);  // a long path is not a name
  const std::string quoted(100, 'q');
  EXPECT_EQ(message_of("\"" + quoted + "\""), "\"" + quoted + "\"");  // 100 characters: kept
  // an unquoted token past any path's length is cut too
  EXPECT_EQ(message_of("got: " + std::string(10000, 't')), "got: " + std::string(80, 't') + "…");
  // the what() text is cut as the diagnostics are
  Diagnostic d;
  d.file = "f";
  d.message = "\"" + std::string(500, 'x') + "\"";
  EXPECT_EQ(std::string(ScenarioError({d}).what()), "f: \"" + std::string(80, 'x') + "…\"");
}

}  // namespace
}  // namespace courtyard
