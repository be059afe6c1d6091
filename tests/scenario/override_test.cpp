// --set overrides: every scalar type, repeated elements, enums, and errors located by column.
#include <google/protobuf/util/message_differencer.h>

#include "scenario/detail.h"
#include "test_util.h"

namespace courtyard {
namespace {

using courtyard::v1::Scenario;
using testing::kMinimal;

Scenario parsed(const std::string& text) {
  auto p = scenario_detail::parse_text_format("t.txtpb", text);
  EXPECT_TRUE(p.errors.empty()) << testing::joined(p.errors);
  return p.spec;
}

// The single diagnostic of a failed override.
Diagnostic override_error(Scenario* spec, const std::string& assignment, int index = 0) {
  try {
    apply_override(spec, assignment, index);
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.diagnostics().front();
  }
  ADD_FAILURE() << "no error for " << assignment;
  return {};
}

TEST(Override, SetsScalarsOfEveryType) {
  Scenario s = parsed(kMinimal);
  apply_override(&s, "run.steps=52", 0);                        // int32
  apply_override(&s, "run.seed=18446744073709551615", 1);       // uint64, the largest
  apply_override(&s, "courtyards[0].initial_trust=0.75", 2);    // double in a repeated element
  apply_override(&s, "run.output.per_facility=true", 3);        // bool
  apply_override(&s, "run.start_date=2016-03-07", 4);           // string
  apply_override(&s, "subdistrict.budget_yuan=1e6", 5);         // exponent notation
  EXPECT_EQ(s.run().steps(), 52);
  EXPECT_EQ(s.run().seed(), 18446744073709551615ull);
  EXPECT_DOUBLE_EQ(s.courtyards(0).initial_trust(), 0.75);
  EXPECT_TRUE(s.run().output().per_facility());
  EXPECT_EQ(s.run().start_date(), "2016-03-07");
  EXPECT_DOUBLE_EQ(s.subdistrict().budget_yuan(), 1e6);
}

TEST(Override, SetsEnumsByNameAndByNumber) {
  Scenario s = parsed(kMinimal);
  apply_override(&s, "courtyards[0].management=MANAGEMENT_SELF", 0);
  EXPECT_EQ(s.courtyards(0).management(), courtyard::v1::MANAGEMENT_SELF);
  apply_override(&s, "courtyards[0].management=3", 1);
  EXPECT_EQ(s.courtyards(0).management(), courtyard::v1::MANAGEMENT_COMPANY);
}

TEST(Override, SetsRepeatedElements) {
  Scenario s = parsed(R"(
    run { output { metrics: "disorder" metrics: "fund_balance" } }
    courtyard_kinds { name: "old" count: 3 }
    courtyard_kinds { name: "new" count: 4 }
  )");
  apply_override(&s, "courtyard_kinds[1].count=500", 0);
  apply_override(&s, "run.output.metrics[1]=trust_mean", 1);
  EXPECT_EQ(s.courtyard_kinds(0).count(), 3);
  EXPECT_EQ(s.courtyard_kinds(1).count(), 500);
  EXPECT_EQ(s.run().output().metrics(0), "disorder");
  EXPECT_EQ(s.run().output().metrics(1), "trust_mean");
}

TEST(Override, CreatesSingularMessagesOnTheWay) {
  Scenario s;
  apply_override(&s, "run.output.record_every=4", 0);
  apply_override(&s, "behaviour.moving.let_share=0.5", 1);
  ASSERT_TRUE(s.has_run() && s.run().has_output());
  EXPECT_EQ(s.run().output().record_every(), 4);
  EXPECT_TRUE(s.behaviour().has_moving());
  EXPECT_DOUBLE_EQ(s.behaviour().moving().let_share(), 0.5);
}

TEST(Override, SwitchesOneofMembers) {
  Scenario s = parsed(R"(courtyard_kinds { name: "old" households { uniform { min: 40 max: 80 } } })");
  apply_override(&s, "courtyard_kinds[0].households.fixed=50", 0);
  EXPECT_EQ(s.courtyard_kinds(0).households().kind_case(), courtyard::v1::Dist::kFixed);
  EXPECT_DOUBLE_EQ(s.courtyard_kinds(0).households().fixed(), 50);
}

TEST(Override, AcceptsCamelCaseNames) {
  Scenario s = parsed(kMinimal);
  apply_override(&s, "courtyards[0].initialTrust=0.25", 0);
  EXPECT_DOUBLE_EQ(s.courtyards(0).initial_trust(), 0.25);
}

TEST(Override, MalformedAssignmentIsUsageError) {
  Scenario s = parsed(kMinimal);
  EXPECT_THROW(apply_override(&s, "run.steps", 0), UsageError);  // no '='
  EXPECT_THROW(apply_override(&s, "=5", 0), UsageError);          // empty path
  EXPECT_THROW(load_scenario_text("t.txtpb", kMinimal, false, {"foo"}), UsageError);
}

TEST(Override, UnknownFieldReportedAtItsColumnWithSuggestion) {
  Scenario s = parsed(kMinimal);
  const Diagnostic d = override_error(&s, "run.stepz=5", 2);
  EXPECT_EQ(d.file, "--set[2]");
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 5);
  EXPECT_NE(d.message.find("did you mean \"steps\""), std::string::npos) << d.message;
}

TEST(Override, IndexPastTheEndReportedAtTheIndex) {
  Scenario s = parsed(kMinimal);
  const Diagnostic d = override_error(&s, "courtyards[5].households=3");
  EXPECT_EQ(d.column, 12);
  EXPECT_EQ(d.field, "courtyards[5]");
  EXPECT_EQ(d.format().rfind("--set[0]:1:12: courtyards[5]: ", 0), 0u) << d.format();
}

TEST(Override, UnparsableValueReportedAtTheValue) {
  Scenario s = parsed(kMinimal);
  EXPECT_EQ(override_error(&s, "run.steps=abc").column, 11);
  EXPECT_EQ(override_error(&s, "run.steps=99999999999").column, 11);  // beyond int32
  EXPECT_EQ(override_error(&s, "run.steps=1.5").column, 11);
  EXPECT_EQ(override_error(&s, "run.seed=-1").column, 10);          // unsigned
  EXPECT_EQ(override_error(&s, "run.output.per_facility=yes").column, 25);
  EXPECT_EQ(override_error(&s, "courtyards[0].initial_trust=nan").column, 29);
  EXPECT_EQ(override_error(&s, "courtyards[0].initial_trust=").column, 29);
  const Diagnostic e = override_error(&s, "courtyards[0].management=STATE");
  EXPECT_EQ(e.column, 26);
  EXPECT_NE(e.message.find("MANAGEMENT_SELF"), std::string::npos) << e.message;  // lists the names
}

TEST(Override, BadPathsReportedAtTheOffendingPart) {
  Scenario s = parsed(kMinimal);
  EXPECT_EQ(override_error(&s, "run.output=3").column, 5);           // a message, not a scalar
  EXPECT_EQ(override_error(&s, "courtyards.households=3").column, 1);  // repeated without index
  EXPECT_EQ(override_error(&s, "run[0].steps=3").column, 4);          // index on a singular field
  EXPECT_EQ(override_error(&s, "run.steps.x=3").column, 11);          // a scalar has no fields
  EXPECT_EQ(override_error(&s, "run..steps=3").column, 5);            // empty segment
  EXPECT_EQ(override_error(&s, "courtyards[x].households=3").column, 12);
  EXPECT_EQ(override_error(&s, "courtyard_kinds[0].count=3").column, 17);  // no kinds at all
}

TEST(Override, FailedOverrideLeavesScenarioUnchanged) {
  Scenario s = parsed(kMinimal);
  const Scenario before = s;
  override_error(&s, "run.output.bogus=1");  // would create run.output on the way
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(s, before));
  EXPECT_FALSE(s.run().has_output());
}

TEST(Override, ValidationErrorOnOverriddenFieldReportedAtTheOverride) {
  const auto ds = testing::problems_of(kMinimal, {"run.seed=3", "courtyards[0].households=0"});
  const Diagnostic* d = testing::find_field(ds, "courtyards[0].households");
  ASSERT_NE(d, nullptr) << testing::joined(ds);
  EXPECT_EQ(d->file, "--set[1]");
  EXPECT_EQ(d->line, 1);
  EXPECT_EQ(d->column, 26);
}

TEST(Override, WholeMessageCheckFollowsOverrideInside) {
  // the tenure sum is a check on the message; the override that broke it is where to look
  const auto ds = testing::problems_of(R"(
    courtyards { name: "A" tenure { owner: 0.7 renter: 0.3 } }
  )", {"courtyards[0].tenure.owner=0.9"});
  const Diagnostic* d = testing::find_field(ds, "courtyards[0].tenure");
  ASSERT_NE(d, nullptr) << testing::joined(ds);
  EXPECT_EQ(d->file, "--set[0]");
}

TEST(Override, EveryBadOverrideReported) {
  try {
    load_scenario_text("t.txtpb", kMinimal, false, {"run.steps=x", "run.seed=5", "run.stepz=1"});
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].file, "--set[0]");
    EXPECT_EQ(e.diagnostics()[1].file, "--set[2]");
  }
}

TEST(Override, OverridesApplyBeforeDefaultsAndValidation) {
  const auto loaded = load_scenario_text("t.txtpb", kMinimal, false, {"run.steps=3", "courtyards[0].floors=12"});
  EXPECT_EQ(loaded.spec.run().steps(), 3);
  EXPECT_EQ(loaded.spec.courtyards(0).floors(), 12);
  EXPECT_TRUE(loaded.spec.run().output().has_record_every());  // defaults filled afterwards
}

}  // namespace
}  // namespace courtyard
