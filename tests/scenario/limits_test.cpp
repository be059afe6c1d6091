// Input limits before parsing, retired names, the byte-order mark, long names cut in messages, and
// the resource limits of validation (docs/scenario-format.md, "Limits" and "Resource limits").
#include <string>

#include "scenario/detail.h"
#include "test_util.h"

namespace courtyard {
namespace {

using namespace scenario_detail;
using testing::joined;
using testing::problems_of;

constexpr const char* kValid = "run { seed: 7 steps: 10 }\ncourtyards { name: \"A\" households: 20 stairwells: 2 }\n";
constexpr const char* kValidJson =
    R"({"run": {"seed": "7", "steps": 10}, "courtyards": [{"name": "A", "households": 20, "stairwells": 2}]})";

TEST(Limits, DeepNestingRefusedBeforeParsing) {
  std::string text;
  for (int i = 0; i < 16000; ++i) text += "z{";
  text += std::string(16000, '}');
  const auto ds = problems_of(text);
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].line, 1);
  EXPECT_EQ(ds[0].column, 2 * (kMaxNesting + 1));
  EXPECT_NE(ds[0].message.find("nested more than 64 levels"), std::string::npos);
}

TEST(Limits, NestingAtTheLimitIsParsed) {
  // 64 levels: within the limit (the unknown field is then reported by the parser)
  std::string text = kValid;
  for (int i = 0; i < kMaxNesting; ++i) text += "z{";
  text += std::string(kMaxNesting, '}');
  const auto ds = problems_of(text);
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_NE(ds[0].message.find("unknown field \"z\""), std::string::npos) << joined(ds);
}

TEST(Limits, BracketsInStringsAndCommentsDoNotCount) {
  const std::string text = std::string(kValid) + "# " + std::string(100, '{') + "\nname: \"" + std::string(100, '[') + "\"\n";
  EXPECT_TRUE(problems_of(text).empty()) << joined(problems_of(text));
}

TEST(Limits, JsonDeepNestingRefused) {
  const std::string text = std::string(16000, '[') + std::string(16000, ']');
  const auto ds = problems_of(text, {}, true, "t.json");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].column, kMaxNesting + 1);
}

TEST(Limits, JsonIndexerCapsItsOwnDepth) {
  // called directly (no limit checked first): an error, not a stack overflow
  std::vector<Diagnostic> errors;
  index_json("t.json", std::string(100000, '[') + std::string(100000, ']'), courtyard::v1::Scenario::descriptor(), &errors);
  ASSERT_EQ(errors.size(), 2u);  // a list where an object belongs, then the depth
  EXPECT_NE(errors[1].message.find("nested more than"), std::string::npos);
  EXPECT_EQ(errors[1].column, kMaxNesting + 1);
}

TEST(Limits, LongLineRefused) {
  const auto ds = problems_of(std::string(1000000, 'x') + "\n");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].line, 1);
  EXPECT_EQ(ds[0].column, static_cast<int>(kMaxLineBytes) + 1);
}

TEST(Limits, FileSize) {
  EXPECT_TRUE(check_file_size("f", kMaxFileBytes).empty());
  EXPECT_EQ(check_file_size("f", kMaxFileBytes + 1).size(), 1u);
}

TEST(Limits, ByteOrderMarkAcceptedInBothFormats) {
  const std::string bom = "\xEF\xBB\xBF";
  EXPECT_TRUE(problems_of(bom + kValid).empty()) << joined(problems_of(bom + kValid));
  EXPECT_TRUE(problems_of(bom + kValidJson, {}, true, "t.json").empty()) << joined(problems_of(bom + kValidJson, {}, true, "t.json"));
  // columns on the first line as an editor shows them (the mark is not a column)
  const auto ds = problems_of(bom + "run { stepz: 3 }\n");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].column, 7);
}

TEST(Limits, RetiredNamesRejectedInBothFormats) {
  const auto ds = problems_of(std::string(kValid) + "behaviour { fee_payment { belief_weight: 2 } }\n");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].format(), "t.txtpb:3:27: field \"belief_weight\" of FeePayment is retired (a reserved name of the "
                            "schema) and has no effect: remove it (docs/scenario-format.md)");
  const auto js = problems_of(R"({"courtyards": [{"name": "A"}], "behaviour": {"fee_payment": {"belief_weight": 2}}})", {},
                              true, "t.json");
  ASSERT_EQ(js.size(), 1u) << joined(js);
  EXPECT_NE(js[0].message.find("is retired"), std::string::npos);
  EXPECT_EQ(js[0].line, 1);
}

TEST(Limits, RetiredScanFollowsListsAndStrings) {
  // a retired name inside a list of messages, after strings holding braces and a name-like word
  const std::string text = std::string(kValid) +
                           "interventions [{ name: \"} belief_weight {\" cleaning { } }]\n"
                           "behaviour { fee_payment: < unmanaged_factor: 1 > }\n";
  const auto found = find_retired_text_fields("t", text, courtyard::v1::Scenario::descriptor());
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(found[0].line, 4);
  EXPECT_EQ(found[0].column, 28);
}

TEST(Limits, LongNamesCutInMessages) {
  const std::string name(60000, 'n');
  const auto ds = problems_of(std::string(kValid) + "courtyards { name: \"B\" community: \"" + name + "\" }\n");
  ASSERT_FALSE(ds.empty());
  const std::string all = joined(ds);
  EXPECT_NE(all.find("\"" + std::string(80, 'n') + "…\""), std::string::npos) << all.substr(0, 300);
  EXPECT_EQ(all.find(std::string(81, 'n')), std::string::npos);
  EXPECT_EQ(clip(std::string(200, 'x')), std::string(80, 'x') + "…");
  EXPECT_EQ(clip("牛沙路"), "牛沙路");
}

TEST(ResourceLimits, TotalHouseholdsAtTheKindThatHoldsMost) {
  const auto ds = problems_of(std::string(kValid) +
                              "courtyard_kinds { name: \"k\" count: 100000 households { uniform { min: 20000 max: 20000 } } }\n");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].field, "courtyard_kinds[0].count");
  EXPECT_EQ(ds[0].line, 3);
  // 10,000 x 20,000 = 200 million: at the limit, valid
  EXPECT_TRUE(problems_of(std::string(kValid) + "courtyard_kinds { name: \"k\" count: 9999 households { fixed: 20000 } }\n")
                  .empty());
}

TEST(ResourceLimits, BlockBufferBytes) {
  const auto ds = problems_of(kValid, {"run.output.block_records=2000000000"});
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].field, "run.output.block_records");
  EXPECT_EQ(ds[0].file, "--set[0]");
  EXPECT_TRUE(problems_of(kValid, {"run.output.block_records=100000"}).empty());
}

TEST(ResourceLimits, PackageMonthsBounded) {
  const std::string base = std::string(kValid) + "interventions { name: \"p\" targets { courtyards: \"A\" } package { platform { } } }\n";
  EXPECT_TRUE(problems_of(base).empty()) << joined(problems_of(base));
  for (const char* set : {"interventions[0].package.weeks_per_month=1e300", "interventions[0].package.weeks_per_month=10001",
                          "interventions[0].package.platform.start_month=100001",
                          "interventions[0].package.platform.duration_months=1e12"}) {
    const auto ds = problems_of(base, {set});
    ASSERT_EQ(ds.size(), 1u) << set << "\n" << joined(ds);
    EXPECT_EQ(ds[0].file, "--set[0]");
  }
  // the largest allowed values expand without overflow (the start lies past the end of the run)
  EXPECT_TRUE(problems_of(base, {"interventions[0].package.weeks_per_month=10000",
                                 "interventions[0].package.platform.start_month=100000"})
                  .empty());
}

}  // namespace
}  // namespace courtyard
