// Loading: the embedded default, defaults filled, round trips, JSON, syntax errors and locations.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <google/protobuf/util/message_differencer.h>

#include "scenario/detail.h"
#include "test_util.h"

namespace courtyard {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::joined;
using testing::problems_of;

LoadedScenario load_demo() { return load_scenario(testing::scenarios_dir() + "/demo_district.txtpb"); }

TEST(Load, EmbeddedDefaultLoadsAndValidates) {
  const LoadedScenario loaded = load_scenario_text("<embedded:demo_district>", embedded_default_scenario(), false);
  EXPECT_EQ(loaded.path, "<embedded:demo_district>");
  EXPECT_EQ(loaded.spec.name(), "demo-district");
  EXPECT_EQ(loaded.spec.courtyards_size(), 1);
  EXPECT_EQ(loaded.spec.courtyard_kinds_size(), 2);
  // the embedded text is the file's text
  std::ifstream in(testing::scenarios_dir() + "/demo_district.txtpb");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(embedded_default_scenario(), file);
}

TEST(Load, DefaultsFilled) {
  const auto s = load_scenario_text("t.txtpb", R"(
    courtyards { name: "A" }
    courtyard_kinds { name: "old" count: 2 households { fixed: 50 } }
    interventions { cleaning { } }
  )", false).spec;
  // messages every run has, with their defaults written out
  ASSERT_TRUE(s.has_run() && s.run().has_output() && s.has_subdistrict() && s.has_behaviour());
  EXPECT_TRUE(s.run().has_seed() && s.run().has_steps() && s.run().has_start_date());
  EXPECT_EQ(s.run().steps(), 104);
  EXPECT_EQ(s.run().start_date(), "2015-01-05");
  EXPECT_TRUE(s.run().output().has_record_every() && s.run().output().has_block_records());
  EXPECT_TRUE(s.run().output().has_per_facility());
  EXPECT_TRUE(s.subdistrict().has_name() && s.subdistrict().has_budget_yuan());
  for (const auto* part : {static_cast<const google::protobuf::Message*>(&s.behaviour().cooperation()),
                           static_cast<const google::protobuf::Message*>(&s.behaviour().decay()),
                           static_cast<const google::protobuf::Message*>(&s.behaviour().demands())}) {
    std::vector<const google::protobuf::FieldDescriptor*> set;
    part->GetReflection()->ListFields(*part, &set);
    EXPECT_EQ(static_cast<int>(set.size()), part->GetDescriptor()->field_count()) << part->GetTypeName();
  }
  EXPECT_TRUE(s.behaviour().has_moving() && s.behaviour().moving().has_within_community_share());
  EXPECT_DOUBLE_EQ(s.behaviour().cooperation().conditional_share(), 0.5);
  // courtyards, kinds, interventions
  EXPECT_TRUE(s.courtyards(0).has_households());
  EXPECT_EQ(s.courtyards(0).households(), 86);
  EXPECT_TRUE(s.courtyards(0).has_management());
  EXPECT_TRUE(s.courtyard_kinds(0).has_management());
  EXPECT_TRUE(s.interventions(0).has_start_step() && s.interventions(0).has_payer());
  EXPECT_TRUE(s.interventions(0).cleaning().has_weekly_share());
  EXPECT_DOUBLE_EQ(s.interventions(0).cleaning().weekly_share(), 0.3);
  // absent messages, oneof members and fields without a schema default stay absent
  EXPECT_FALSE(s.courtyards(0).has_tenure());
  EXPECT_FALSE(s.courtyards(0).has_community());
  EXPECT_FALSE(s.courtyard_kinds(0).has_stairwells());
  EXPECT_FALSE(s.interventions(0).has_end_step());
  EXPECT_FALSE(s.interventions(0).has_targets());
  // a default community
  ASSERT_EQ(s.communities_size(), 1);
  EXPECT_EQ(s.communities(0).name(), "default");
}

TEST(Load, DefaultsKeepWrittenValues) {
  const auto s = load_scenario_text("t.txtpb", R"(
    run { steps: 12 output { block_records: 4 } }
    communities { name: "East" }
    courtyards { name: "A" households: 30 }
    behaviour { ties { newcomer_ties: 0.2 } }
  )", false).spec;
  EXPECT_EQ(s.run().steps(), 12);
  EXPECT_EQ(s.run().output().block_records(), 4);
  EXPECT_EQ(s.courtyards(0).households(), 30);
  EXPECT_DOUBLE_EQ(s.behaviour().ties().newcomer_ties(), 0.2);
  EXPECT_DOUBLE_EQ(s.behaviour().ties().growth_per_year(), 0.15);
  ASSERT_EQ(s.communities_size(), 1);
  EXPECT_EQ(s.communities(0).name(), "East");
}

TEST(Load, EffectiveTextHasHeaderComments) {
  const std::string text = scenario_to_text(load_demo().spec);
  EXPECT_EQ(text.rfind("# proto-file: proto/courtyard/v1/scenario.proto\n# proto-message: courtyard.v1.Scenario\n", 0),
            0u);
}

TEST(Load, RoundTripTextEffectiveTextEffective) {
  const auto first = load_demo();
  const std::string text1 = scenario_to_text(first.spec);
  const auto second = load_scenario_text("effective.txtpb", text1, false);
  EXPECT_TRUE(MessageDifferencer::Equals(first.spec, second.spec));
  EXPECT_EQ(scenario_to_text(second.spec), text1);
}

TEST(Load, JsonOfEffectiveLoadsToSameEffective) {
  const auto text = load_demo();
  const std::string json = scenario_to_json(text.spec);
  const auto from_json = load_scenario_text("demo.json", json, true);
  EXPECT_TRUE(MessageDifferencer::Equals(text.spec, from_json.spec)) << json;
}

TEST(Load, HandWrittenJsonMatchesEquivalentText) {
  const auto text = load_scenario_text("t.txtpb", R"(
    run { seed: 3 steps: 20 output { metrics: "disorder" } }
    communities { name: "East" }
    courtyard_kinds { name: "old" count: 4 communities: "East"
      households { uniform { min: 40 max: 80 } } management: MANAGEMENT_SELF }
    interventions { start_step: 2 targets { kind: "old" } subsidy { yuan: 500 } }
  )", false);
  const auto json = load_scenario_text("t.json", R"({
    "run": {"seed": "3", "steps": 20, "output": {"metrics": ["disorder"]}},
    "communities": [{"name": "East"}],
    "courtyardKinds": [{"name": "old", "count": 4, "communities": ["East"],
      "households": {"uniform": {"min": 40, "max": 80}}, "management": "MANAGEMENT_SELF"}],
    "interventions": [{"start_step": 2, "targets": {"kind": "old"}, "subsidy": {"yuan": 500}}]
  })", true);
  EXPECT_TRUE(MessageDifferencer::Equals(text.spec, json.spec));
}

TEST(Load, FormatDetectedByContentOrExtension) {
  const auto dir = std::filesystem::temp_directory_path() / ("courtyard_scenario_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "a.txt") << "  {\"courtyards\": [{\"name\": \"A\"}]}";
    std::ofstream(dir / "b.json") << "";  // empty JSON: a JSON syntax error, not a text-format one
    std::ofstream(dir / "c.txtpb") << "courtyards { name: \"A\" }";
  }
  EXPECT_EQ(load_scenario((dir / "a.txt").string()).spec.courtyards(0).name(), "A");
  try {
    load_scenario((dir / "b.json").string());
    ADD_FAILURE() << "empty JSON loaded";
  } catch (const ScenarioError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("JSON"), std::string::npos) << e.what();
  }
  EXPECT_EQ(load_scenario((dir / "c.txtpb").string()).spec.courtyards(0).name(), "A");
  std::filesystem::remove_all(dir);
}

TEST(Load, UnreadableFileIsIoError) {
  EXPECT_THROW(load_scenario("/nonexistent/courtyard/scenario.txtpb"), IoError);
  EXPECT_THROW(load_scenario(std::filesystem::temp_directory_path().string()), IoError);
}

TEST(Load, EverySyntaxErrorReportedAndNothingValidated) {
  // two unknown fields and an impossible value: the parse errors only, each at its name
  const auto ds = problems_of("run { stepz: 3 }\ncourtyards { name: \"A\" households: 0 housholds: 3 }\n");
  ASSERT_EQ(ds.size(), 2u) << joined(ds);
  EXPECT_EQ(ds[0].format(), "t.txtpb:1:7: unknown field \"stepz\" in RunSettings (did you mean \"steps\"?)");
  EXPECT_EQ(ds[1].line, 2);
  EXPECT_EQ(ds[1].column, 38);
  EXPECT_TRUE(ds[1].field.empty());
}

TEST(Load, SyntaxErrorLocated) {
  const auto ds = problems_of("run {\n  steps: 10\n");  // unclosed
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].line, 3);
  EXPECT_GE(ds[0].column, 1);
}

TEST(Load, TabsAndUtf8CountOneColumnEach) {
  const auto tab = problems_of("\tcourtyards { name: \"A\" households: 0 }");
  ASSERT_EQ(tab.size(), 1u) << joined(tab);
  EXPECT_EQ(tab[0].column, 25);
  const auto utf8 = problems_of("courtyards { name: \"\xE5\xBA\xAD\" households: 0 }");  // 庭: three bytes
  ASSERT_EQ(utf8.size(), 1u) << joined(utf8);
  EXPECT_EQ(utf8[0].column, 24);
}

TEST(Load, DefaultedFieldFallsBackToNearestWrittenAncestor) {
  // normal.min is unset (-1e300 from the schema): reported at the `normal` that was written
  const auto ds = problems_of("courtyard_kinds {\n  name: \"k\"\n  households { normal { mean: 50 sd: 5 max: 90 } }\n}\n");
  const Diagnostic* d = testing::find_field(ds, "courtyard_kinds[0].households.normal.min");
  ASSERT_NE(d, nullptr) << joined(ds);
  EXPECT_EQ(d->line, 3);
  EXPECT_EQ(d->column, 16);
}

TEST(Load, JsonSyntaxErrorLocated) {
  const auto ds = problems_of("{\n  \"run\": {\"steps\": 10,}\n}", {}, true, "t.json");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].line, 2);
  EXPECT_EQ(ds[0].column, 23);
}

TEST(Load, JsonEveryUnknownKeyAndShapeReported) {
  const auto ds = problems_of(R"({
  "run": {"stepz": 3},
  "courtyards": {"name": "A"},
  "communities": [{"nme": "East"}]
})", {}, true, "t.json");
  ASSERT_EQ(ds.size(), 3u) << joined(ds);
  EXPECT_EQ(ds[0].format(), "t.json:2:11: run.stepz: unknown field \"stepz\" in RunSettings (did you mean \"steps\"?)");
  EXPECT_EQ(ds[1].format(), "t.json:3:17: courtyards: expected a list, got an object");
  EXPECT_EQ(ds[2].line, 4);
  EXPECT_EQ(ds[2].column, 20);
}

TEST(Load, JsonConversionErrorLocatedAtKey) {
  // a string where an integer belongs passes the shape check; protobuf's converter rejects it
  const auto ds = problems_of("{\n  \"courtyards\": [\n    {\"name\": \"A\", \"households\": \"many\"}\n  ]\n}", {}, true,
                              "t.json");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].field, "courtyards[0].households");
  EXPECT_EQ(ds[0].line, 3);
  EXPECT_EQ(ds[0].column, 19);
}

TEST(Load, JsonSemanticErrorLocatedAtKey) {
  const auto ds = problems_of("{\"courtyards\": [{\"name\": \"A\"},\n {\"name\": \"B\", \"initialTrust\": -1}]}", {}, true,
                              "t.json");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].format().rfind("t.json:2:16: courtyards[1].initial_trust: ", 0), 0u) << ds[0].format();
}

TEST(Load, JsonOneofMembersExclusive) {
  const auto ds = problems_of(R"({"courtyard_kinds": [{"name": "k", "households": {"fixed": 3, "uniform": {"min": 1, "max": 2}}}]})",
                              {}, true, "t.json");
  ASSERT_EQ(ds.size(), 1u) << joined(ds);
  EXPECT_EQ(ds[0].field, "courtyard_kinds[0].households.uniform");
}

}  // namespace
}  // namespace courtyard
